# Request/response latency per path, p50 and p99, with p25-p75 lines.
# Data: x "label" p50 p25 p75 p99 p25 p75. Parameters: n, logy, wl (the
# one workload of every row, or ''), show_b (0/1: any p99).
load gpdir.'/common.gp'
set title 'TCP request/response latency across the virtual switch'
# One workload on every row: the labels are the backends, the axis names it.
if (wl ne '') {
	set xlabel 'backend (network path), '.wl.' workload'
} else {
	set xlabel 'backend and workload (network path)'
}
if (rot) set xtics rotate by -25
set ylabel 'round-trip latency (µs)'
if (logy) {
	set logscale y
	@logy125
	set ylabel 'round-trip latency (µs, log scale)'
} else {
	set yrange [0:*]
}
set xrange [-0.6:n - 0.4]
set style fill solid 0.85 border rgb '#333333'
set xtics scale 0
# p50 and p99 side by side per row, or p50 centred.
off = show_b ? 0.16 : 0
set boxwidth 0.3
plot dat using 1:(NaN):xticlabels(2) notitle, \
     '' using ($1 - off):3 with boxes lt 1 title 'p50', \
     '' using ($1 - off):4:(0):($5 - $4) with vectors nohead lw 1.5 lc rgb '#333333' notitle, \
     for [i = 1:show_b] '' using ($1 + off):6 with boxes lt 2 title 'p99', \
     for [i = 1:show_b] '' using ($1 + off):7:(0):($8 - $7) with vectors nohead lw 1.5 \
	lc rgb '#333333' notitle
