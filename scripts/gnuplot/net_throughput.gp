# TCP bulk throughput per path with p25-p75 bars and the native limit.
# Data: x "label" tx p25 p75 rx p25 p75. Parameters: n, limit (< 0: none).
load gpdir.'/common.gp'
set title 'TCP bulk throughput across the virtual switch'
set xlabel 'backend and workload (network path)'
set ylabel 'throughput (Gbit/s)'
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set style data histograms
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set xtics scale 0
if (limit > 0) {
	set arrow 1 from graph 0, first limit to graph 1, first limit nohead dt 2 lw 2 lc rgb '#D55E00'
	set label 1 sprintf('native limit %.3g Gbit/s', limit) at graph 0.99, first limit \
		right offset 0,0.7 tc rgb '#D55E00'
}
plot dat using 3:4:5:xticlabels(2) lt 1 title 'workload to sink (tx)', \
     '' using 6:7:8 lt 2 title 'sink to workload (rx)'
