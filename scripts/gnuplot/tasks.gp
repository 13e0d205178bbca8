# Tasks per instance: host side and inside, the inside's kernel threads
# drawn over its bar. Data: x "label" host inside "note" kthreads (a note
# stands where the inside bar would: the native baseline's). Parameters:
# n (rows), show_inside, show_kthreads (0/1: some backend measured them),
# ystep (tick spacing: counts are whole numbers).
load gpdir.'/common.gp'
set title 'Tasks per instance (processes + threads)'
set xlabel 'backend'
set ylabel 'tasks (count)'
set yrange [0:*]
set ytics ystep
set offsets 0, 0, graph 0.08, 0
set xrange [-0.6:n - 0.4]
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.3
set xtics scale 0
if (rot) set xtics rotate by -25
# Two boxes side by side per backend, or one centred.
off = show_inside ? 0.16 : 0
plot dat using 1:(NaN):xticlabels(2) notitle, \
     '' using ($1 - off):3 with boxes lt 1 title 'added on the host', \
     '' using ($1 - off):3:(sprintf('%g', $3)) with labels offset 0,0.7 notitle, \
     for [i = 1:show_inside] '' using ($1 + off):4 with boxes lt 2 title 'visible inside', \
     for [i = 1:show_kthreads] '' using ($1 + off):6 with boxes lt 6 \
	title 'of which kernel threads', \
     for [i = 1:show_inside] '' using ($1 + off):4:(sprintf('%g', $4)) \
	with labels offset 0,0.7 notitle, \
     for [i = 1:show_inside] '' using ($1 + off):(0):5 with labels rotate by 90 left \
	offset 0,0.5 font ',11' tc rgb '#555555' notitle
