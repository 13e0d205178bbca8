# Tasks per instance: host side and inside. Data: x "label" host inside.
# Parameters: n (rows).
load gpdir.'/common.gp'
set title 'Tasks per instance (processes + threads)'
set xlabel 'backend'
set ylabel 'tasks (count)'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set xtics scale 0
plot dat using 3:xticlabels(2) lt 1 title 'added on the host', \
     '' using 4 lt 2 title 'visible inside', \
     '' using ($1 - 0.15):3:(sprintf('%g', $3)) with labels offset 0,0.7 notitle, \
     '' using ($1 + 0.15):4:(stringcolumn(4) eq '-' ? '' : sprintf('%g', $4)) \
	with labels offset 0,0.7 notitle
