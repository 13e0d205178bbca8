# Startup per backend: box p25-p75, whiskers min-max, median bar, samples.
# Data index 0: x "label" min p25 median p75 max n; index 1: x sample.
# Parameters: n (rows), logy (0/1), ylo, yhi (smallest and largest sample).
load gpdir.'/common.gp'
set title 'Startup: launch call to READY (host monotonic clock)'
set xlabel 'backend'
set ylabel 'time to READY (ms)'
# Room above the highest whisker for its median label: on a log axis a
# factor (an offset would add a whole empty decade), else 12%.
if (logy) {
	set logscale y
	@logy125
	set ylabel 'time to READY (ms, log scale)'
	set yrange [ylo / 1.5:yhi * 2.5]
} else {
	set yrange [0:*]
	set offsets 0, 0, graph 0.12, 0
}
# Fewer than three boxes would be stretched across the whole width.
pad = n < 3 ? (3 - n) / 2.0 : 0
set xrange [-0.6 - pad:n - 0.4 + pad]
set boxwidth 0.45
set style fill solid 0.3 border -1
set xtics scale 0
# Three significant digits, no exponent: 0.512, 12.3, 15828.
ms(v) = v >= 1000 ? sprintf('%.0f ms', v) : sprintf('%.3g ms', v)
if (rot) set xtics rotate by -25
plot dat index 0 using 1:4:3:7:6:xticlabels(2) with candlesticks whiskerbars 0.5 lt 1 \
	title 'p25-p75 box, min-max', \
     '' index 0 using 1:5:5:5:5 with candlesticks lt 8 lw 3 fs empty title 'median', \
     '' index 1 using 1:2 with points pt 7 ps 0.6 lc rgb '#D55E00' title 'samples', \
     '' index 0 using 1:7:(ms($5)) with labels offset 0,1 font ',11' notitle
