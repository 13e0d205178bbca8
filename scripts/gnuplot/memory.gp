# Host memory per instance, stacked: guest RAM, monitor, other process
# PSS, cgroup charge beyond PSS. Data: x "label" guest monitor procs
# kernel total. Parameters: n (rows), show_guest, show_monitor,
# show_kernel (0/1: a part no backend has is left out of the legend).
load gpdir.'/common.gp'
set title 'Host memory per instance (median PSS, MiB)'
set xlabel 'backend'
set ylabel 'host memory (MiB)'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.55
set xtics scale 0
if (rot) set xtics rotate by -25
# A part no backend has gets no legend entry (an empty title is none).
plot dat using 3:xticlabels(2) lt 1 title (show_guest ? 'guest RAM resident' : ''), \
     '' using 4 lt 2 title (show_monitor ? 'monitor (VMM) own' : ''), \
     '' using 5 lt 3 title 'process PSS', \
     '' using 6 lt 4 title (show_kernel ? 'cgroup beyond PSS (kernel, cache)' : ''), \
     '' using 1:7:(sprintf('%.1f', $7)) with labels offset 0,0.8 notitle
