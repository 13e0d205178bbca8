# TCP bulk throughput per path with p25-p75 lines and the native limit.
# Data: x "label" tx p25 p75 rx p25 p75. Parameters: n, limit (< 0: none),
# wl (the one workload of every row, or ''), show_b (0/1: any rx).
load gpdir.'/common.gp'
set title 'TCP bulk throughput across the virtual switch'.(limit > 0 ? ' (labels: share of native)' : '')
# One workload on every row: the labels are the backends, the axis names it.
if (wl ne '') {
	set xlabel 'backend (network path), '.wl.' workload'
} else {
	set xlabel 'backend and workload (network path)'
}
if (rot) set xtics rotate by -25
set ylabel 'throughput (Gbit/s)'
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set xrange [-0.6:n - 0.4]
set style fill solid 0.85 border rgb '#333333'
set xtics scale 0
# tx and rx side by side per row, or tx centred.
off = show_b ? 0.16 : 0
set boxwidth 0.3
if (limit > 0) {
	set arrow 1 from graph 0, first limit to graph 1, first limit nohead dt 2 lw 2 lc rgb '#D55E00'
}
share(v) = limit > 0 ? sprintf('%.0f%%', 100 * v / limit) : sprintf('%.3g', v)
plot dat using 1:(NaN):xticlabels(2) notitle, \
     '' using ($1 - off):3 with boxes lt 1 title 'workload to sink (tx)', \
     '' using ($1 - off):4:(0):($5 - $4) with vectors nohead lw 1.5 lc rgb '#333333' notitle, \
     '' using ($1 - off):5:(share($3)) with labels offset 0,0.8 font ',11' notitle, \
     for [i = 1:show_b] '' using ($1 + off):6 with boxes lt 2 title 'sink to workload (rx)', \
     for [i = 1:show_b] '' using ($1 + off):7:(0):($8 - $7) with vectors nohead lw 1.5 \
	lc rgb '#333333' notitle, \
     for [i = 1:(limit > 0)] keyentry with lines dt 2 lw 2 lc rgb '#D55E00' \
	title sprintf('native pair %.3g Gbit/s', limit)
