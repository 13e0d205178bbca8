# A metric versus the number of instances running, one line per series
# with p25-p75 bars. Data: one block per series (index i): instances
# median p25 p75. Parameters: n, titles (words), logy, ylab, what, wl
# (the workload of the lines).
load gpdir.'/common.gp'
set title what.' versus density: the last of N instances started ('.wl.' workload)'
set xlabel 'instances running (count, log2 scale)'
set ylabel ylab
set logscale x 2
set xtics 2
if (logy) {
	set logscale y
	@logy125
	set ylabel ylab.', log scale'
} else {
	set yrange [0:*]
}
set offsets graph 0.05, graph 0.05, 0, 0
plot for [i = 0:n - 1] dat index i using 1:2:3:4 with yerrorlines lt i + 1 title word(titles, i + 1)
