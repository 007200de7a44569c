/*
 * roc_png.c — ROC curves as a PNG line plot (sg_roc_png in metrics.h).
 *
 * x: false-positive rate on a log axis from 1e-4 to 1 (operating points
 * with fewer false positives, including FPR = 0, sit on the left edge);
 * y: true-positive rate from 0 to 1.  Major ticks and grid lines at each
 * decade and every 0.2 in TPR, minor ticks at 2..9 × each decade, a dashed
 * grey line for a random finder (TPR = FPR), one colour per curve and a
 * legend with each curve's label and AUROC in the lower right.  Text uses
 * the built-in bitmap font, doubled on plots of at least 800 × 600.
 */
#include <math.h>
#include <stdio.h>

#include "sglens/alloc.h"
#include "metrics_internal.h"
#include "plot_internal.h"
#include "png_internal.h"

#define ROC_MAX_CURVES 8
#define ROC_MIN_W 200
#define ROC_MIN_H 150
#define ROC_MAX_SIDE 8192
#define LOG_FPR_MIN (-4.0)
#define LABEL_MAX 40			/* characters of a curve label shown */

static const sg_rgb palette[ROC_MAX_CURVES] = {
	{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40},
	{148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {23, 190, 207}
};
static const sg_rgb white = {255, 255, 255};
static const sg_rgb black = {0, 0, 0};
static const sg_rgb grid = {225, 225, 225};
static const sg_rgb grey = {150, 150, 150};

/* The plot frame in canvas pixels and the text scale. */
typedef struct frame
{
	int			x0,
				x1,
				y0,
				y1;
	int			s;				/* text and line scale */
} frame;

/* Canvas x of a false-positive rate (clipped to the axis). */
static int
map_x(const frame *f, double fpr)
{
	double		l = fpr > 0 ? log10(fpr) : LOG_FPR_MIN;

	if (l < LOG_FPR_MIN)
		l = LOG_FPR_MIN;
	if (l > 0)
		l = 0;
	return f->x0 + (int) lround((l - LOG_FPR_MIN) / -LOG_FPR_MIN * (f->x1 - f->x0));
}

/* Canvas y of a true-positive rate. */
static int
map_y(const frame *f, double tpr)
{
	return f->y0 + (int) lround(tpr * (f->y1 - f->y0));
}

/* Grid, frame, ticks, tick labels and axis titles. */
static void
draw_axes(sg_canvas *c, const frame *f)
{
	static const char *const xlab[] = {"1E-4", "1E-3", "0.01", "0.1", "1"};
	int			s = f->s,
				tick = 5 * s,
				th = SG_PLOT_GLYPH_H * s;
	char		buf[16];

	for (int d = 0; d <= 4; d++)
	{
		int			x = map_x(f, pow(10.0, LOG_FPR_MIN + d));

		if (d > 0 && d < 4)
			sg_canvas_line(c, x, f->y0, x, f->y1, 1, grid);
		sg_canvas_line(c, x, f->y0, x, f->y0 + tick, s, black);
		sg_canvas_text(c, x - sg_canvas_text_width(xlab[d], s) / 2,
					   f->y0 - tick - th, xlab[d], s, black);
		for (int m = 2; d < 4 && m <= 9; m++)
		{
			int			xm = map_x(f, m * pow(10.0, LOG_FPR_MIN + d));

			sg_canvas_line(c, xm, f->y0, xm, f->y0 + tick / 2, s, black);
		}
	}
	for (int k = 0; k <= 5; k++)
	{
		int			y = map_y(f, 0.2 * k);

		if (k > 0 && k < 5)
			sg_canvas_line(c, f->x0, y, f->x1, y, 1, grid);
		sg_canvas_line(c, f->x0, y, f->x0 + tick, y, s, black);
		snprintf(buf, sizeof(buf), "%.1f", 0.2 * k);
		sg_canvas_text(c, f->x0 - 3 * s - sg_canvas_text_width(buf, s),
					   y - th / 2, buf, s, black);
	}
	sg_canvas_line(c, f->x0, f->y0, f->x1, f->y0, s, black);
	sg_canvas_line(c, f->x0, f->y1, f->x1, f->y1, s, black);
	sg_canvas_line(c, f->x0, f->y0, f->x0, f->y1, s, black);
	sg_canvas_line(c, f->x1, f->y0, f->x1, f->y1, s, black);
	sg_canvas_text(c, (f->x0 + f->x1 - sg_canvas_text_width("false-positive rate", s)) / 2,
				   f->y0 - tick - 2 * th - 6 * s, "false-positive rate", s, black);
	sg_canvas_text_up(c, 4 * s, (f->y0 + f->y1 - sg_canvas_text_width("true-positive rate", s)) / 2,
					  "true-positive rate", s, black);
}

/* Dashed line of a random finder, TPR = FPR. */
static void
draw_chance(sg_canvas *c, const frame *f)
{
	const int	steps = 80;

	for (int i = 0; i < steps; i += 2)
	{
		double		a = pow(10.0, LOG_FPR_MIN * (1.0 - (double) i / steps)),
					b = pow(10.0, LOG_FPR_MIN * (1.0 - (double) (i + 1) / steps));

		sg_canvas_line(c, map_x(f, a), map_y(f, a), map_x(f, b), map_y(f, b), 1, grey);
	}
}

/* One ROC curve as connected operating points. */
static bool
draw_curve(sg_canvas *c, const frame *f, const sg_roc_curve *cv, sg_rgb colour,
		   sg_status *st)
{
	size_t		n;
	sg_roc_point *p = sg_roc_points(cv->score, cv->is_lens, cv->n, &n, st);
	int			px,
				py;

	if (p == NULL)
		return false;
	px = map_x(f, p[0].fpr);
	py = map_y(f, p[0].tpr);
	for (size_t i = 1; i < n; i++)
	{
		int			qx = map_x(f, p[i].fpr),
					qy = map_y(f, p[i].tpr);

		if (qx != px || qy != py)
			sg_canvas_line(c, px, py, qx, qy, 2 * f->s, colour);
		px = qx;
		py = qy;
	}
	sg_free(p);
	return true;
}

/* The legend text of curve i: its label (shortened) and AUROC. */
static void
legend_text(const sg_roc_curve *cv, int i, char *buf, size_t cap)
{
	char		label[LABEL_MAX + 1];

	if (cv->label != NULL && cv->label[0] != '\0')
		snprintf(label, sizeof(label), "%s", cv->label);
	else
		snprintf(label, sizeof(label), "curve %d", i + 1);
	snprintf(buf, cap, "%s  AUROC %.4f", label,
			 sg_auroc(cv->score, cv->is_lens, cv->n));
}

/* The legend box in the lower right of the frame. */
static void
draw_legend(sg_canvas *c, const frame *f, const sg_roc_curve *curves, int n)
{
	char		text[ROC_MAX_CURVES][LABEL_MAX + 32];
	int			s = f->s,
				pad = 4 * s,
				sample = 16 * s,
				row = (SG_PLOT_GLYPH_H + 4) * s,
				w = 0,
				bx1 = f->x1 - 6 * s,
				by0 = f->y0 + 6 * s,
				bx0,
				by1;

	for (int i = 0; i < n; i++)
	{
		int			tw;

		legend_text(&curves[i], i, text[i], sizeof(text[i]));
		tw = sg_canvas_text_width(text[i], s);
		if (tw > w)
			w = tw;
	}
	bx0 = bx1 - (2 * pad + sample + pad + w);
	by1 = by0 + 2 * pad + n * row - 4 * s;
	sg_canvas_rect(c, bx0, by0, bx1, by1, white);
	sg_canvas_line(c, bx0, by0, bx1, by0, 1, grey);
	sg_canvas_line(c, bx0, by1, bx1, by1, 1, grey);
	sg_canvas_line(c, bx0, by0, bx0, by1, 1, grey);
	sg_canvas_line(c, bx1, by0, bx1, by1, 1, grey);
	for (int i = 0; i < n; i++)
	{
		int			ty = by1 - pad - (i + 1) * row + 4 * s;
		int			ly = ty + SG_PLOT_GLYPH_H * s / 2;

		sg_canvas_line(c, bx0 + pad, ly, bx0 + pad + sample, ly, 2 * s,
					   palette[i]);
		sg_canvas_text(c, bx0 + 2 * pad + sample, ty, text[i], s, black);
	}
}

/* Check the arguments of sg_roc_png. */
static bool
check_args(const sg_roc_curve *curves, int ncurves, int width, int height,
		   sg_status *st)
{
	if (ncurves < 1 || ncurves > ROC_MAX_CURVES)
	{
		sg_fail(st, SG_ERR_VALUE, "a ROC plot takes 1 to %d curves, not %d",
				ROC_MAX_CURVES, ncurves);
		return false;
	}
	if (width < ROC_MIN_W || height < ROC_MIN_H || width > ROC_MAX_SIDE ||
		height > ROC_MAX_SIDE)
	{
		sg_fail(st, SG_ERR_VALUE, "ROC plot size %d x %d is out of range (%d x %d to %d x %d)",
				width, height, ROC_MIN_W, ROC_MIN_H, ROC_MAX_SIDE, ROC_MAX_SIDE);
		return false;
	}
	for (int i = 0; i < ncurves; i++)
		if (curves[i].n > 0 && (curves[i].score == NULL || curves[i].is_lens == NULL))
		{
			sg_fail(st, SG_ERR_VALUE, "ROC curve %d has no scores or labels", i + 1);
			return false;
		}
	return true;
}

/* A PNG plot (width × height pixels) of the ROC curves, FPR on a log axis. */
void *
sg_roc_png(const sg_roc_curve *curves, int ncurves, int width, int height,
		   size_t *len, sg_status *st)
{
	sg_canvas	c;
	frame		f;
	void	   *png = NULL;
	bool		ok = true;
	int			th;

	*len = 0;
	if (!check_args(curves, ncurves, width, height, st))
		return NULL;
	f.s = width >= 800 && height >= 600 ? 2 : 1;
	th = SG_PLOT_GLYPH_H * f.s;
	f.x0 = 4 * f.s + th + 6 * f.s + sg_canvas_text_width("0.0", f.s) + 4 * f.s;
	f.x1 = width - 1 - 14 * f.s;
	f.y0 = 5 * f.s + 2 * th + 6 * f.s + 6 * f.s;
	f.y1 = height - 1 - 8 * f.s;
	if (!sg_canvas_init(&c, width, height, white, st))
		return NULL;
	draw_axes(&c, &f);
	draw_chance(&c, &f);
	for (int i = 0; i < ncurves && ok; i++)
	{
		ok = draw_curve(&c, &f, &curves[i], palette[i], st);
		if (!ok)
			sg_fail_detail(st, "in ROC curve %d (\"%s\")", i + 1,
						   curves[i].label ? curves[i].label : "");
	}
	if (ok)
	{
		draw_legend(&c, &f, curves, ncurves);
		png = sg_png_encode(c.pix, width, height, 3, len, st);
	}
	sg_canvas_free(&c);
	return png;
}
