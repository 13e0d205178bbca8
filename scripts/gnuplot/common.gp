# Shared look of every isobench chart. The caller (harness/report_charts.c)
# sets: dat (data file), out (output file), term ('svg' or 'png'), gpdir,
# emulated (0/1: the primary set ran under emulated KVM), rot (0/1: x tick
# labels too long to stand side by side).
if (term eq 'svg') {
	set terminal svg size 960,560 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1200,700 noenhanced font 'DejaVu Sans,13' background rgb 'white'
}
set output out
set border 3 lw 1.2
set tics nomirror out
set grid ytics lc rgb '#dddddd' lt 1 dt 1
set key outside right top vertical Left reverse noopaque nobox samplen 2 width 1 spacing 1.3
set datafile missing '-'
set xtics noenhanced
# Colour-blind-safe palette (Okabe & Ito; its yellow, unreadable on white,
# replaced by brown), one per series.
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2
set linetype 2 lc rgb '#E69F00' lw 2 pt 5 ps 1.2
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1.4
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1.4
set linetype 5 lc rgb '#56B4E9' lw 2 pt 13 ps 1.4
set linetype 6 lc rgb '#D55E00' lw 2 pt 3 ps 1.2
set linetype 7 lc rgb '#8C564B' lw 2 pt 2 ps 1.2
set linetype 8 lc rgb '#000000' lw 2 pt 1 ps 1.2
set linetype cycle 8
# A log y axis ticked at 1, 2 and 5 times each power of ten (`@logy125`
# after `set logscale y`): decades alone leave a short range unlabelled.
logy125 = "set format y '%g'; do for [e = -3:7] { set ytics add (2 * 10.0**e, 5 * 10.0**e) }"
# A chart read on its own must say that its VM timings are emulated: a
# line above the title.
if (emulated) {
	set tmargin 4.5
	set label 99 'emulated KVM (QEMU TCG): VM figures are emulated; compare ratios, not absolutes' \
		at graph 0.5, graph 1 center offset 0,2.8 font ',11' tc rgb '#B00000'
}
