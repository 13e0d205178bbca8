# Request/response latency per path, p50 and p99, with p25-p75 bars.
# Data: x "label" p50 p25 p75 p99 p25 p75. Parameters: n, logy.
load gpdir.'/common.gp'
set title 'TCP request/response latency across the virtual switch'
set xlabel 'backend and workload (network path)'
set ylabel 'round-trip latency (µs)'
if (logy) {
	set logscale y
	set ylabel 'round-trip latency (µs, log scale)'
} else {
	set yrange [0:*]
}
set style data histograms
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set xtics scale 0
plot dat using 3:4:5:xticlabels(2) lt 1 title 'p50', \
     '' using 6:7:8 lt 2 title 'p99'
