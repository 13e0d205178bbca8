/* Result set: building, atomic saving and validated loading of results.json. */
#include "results.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "jsonfile.h"

/* Upper bound for `instances`: density runs stop at a few dozen. */
#define RESULTS_INSTANCES_MAX 100000

const char *results_better_name(enum results_better better)
{
	return better == RESULTS_BETTER_HIGHER ? "higher" : "lower";
}

int results_better_parse(const char *name, enum results_better *out)
{
	if (strcmp(name, "lower") == 0)
		*out = RESULTS_BETTER_LOWER;
	else if (strcmp(name, "higher") == 0)
		*out = RESULTS_BETTER_HIGHER;
	else
		return -EINVAL;
	return 0;
}

void results_skipped_text(const cJSON *entry, char *buf, size_t size)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(entry, "backend");
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(entry, "workload");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(entry, "reason");

	snprintf(buf, size, "%s%s%s (%s)", cJSON_IsString(b) ? b->valuestring : "?",
		 cJSON_IsString(w) ? "/" : "", cJSON_IsString(w) ? w->valuestring : "",
		 cJSON_IsString(r) ? r->valuestring : "?");
}

static void figure_destroy(struct results_figure *fig)
{
	if (!fig)
		return;
	free(fig->backend);
	free(fig->workload);
	free(fig->metric);
	free(fig->unit);
	free(fig->samples);
	free(fig);
}

void results_destroy(struct results *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_figures; i++)
		figure_destroy(rs->figures[i]);
	free(rs->figures);
	free(rs->run_id);
	free(rs->created);
	free(rs->command);
	cJSON_Delete(rs->environment);
	cJSON_Delete(rs->config);
	cJSON_Delete(rs->skipped);
	free(rs);
}

static int results_alloc(const char *run_id, const char *created, const char *command,
			 struct results **out, struct iso_err *err)
{
	struct results *rs = calloc(1, sizeof(*rs));

	if (rs) {
		rs->run_id = strdup(run_id);
		rs->created = strdup(created);
		rs->command = strdup(command);
	}
	if (!rs || !rs->run_id || !rs->created || !rs->command) {
		results_destroy(rs);
		return iso_err_set(err, -ENOMEM, "allocate result set");
	}
	*out = rs;
	return 0;
}

int results_create(const char *run_id, const char *command, struct results **out,
		   struct iso_err *err)
{
	char created[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return results_alloc(run_id, created, command, out, err);
}

struct results_figure *results_find(const struct results *rs, const char *backend,
				    const char *workload, const char *metric, unsigned instances)
{
	for (size_t i = 0; i < rs->n_figures; i++) {
		struct results_figure *f = rs->figures[i];

		if (f->instances == instances && strcmp(f->backend, backend) == 0 &&
		    strcmp(f->workload, workload) == 0 && strcmp(f->metric, metric) == 0)
			return f;
	}
	return NULL;
}

int results_figure(struct results *rs, const char *backend, const char *workload,
		   const char *metric, const char *unit, enum results_better better,
		   unsigned instances, struct results_figure **out, struct iso_err *err)
{
	struct results_figure *fig;

	if (!*backend || !*workload || !*metric || !*unit || instances == 0)
		return iso_err_input(err, -EINVAL,
				     "figure %s/%s/%s x%u: empty name or zero instances", backend,
				     workload, metric, instances);
	fig = results_find(rs, backend, workload, metric, instances);
	if (fig) {
		if (strcmp(fig->unit, unit) != 0 || fig->better != better)
			return iso_err_input(err, -EINVAL,
					     "figure %s/%s/%s: unit or direction differs from "
					     "the recorded %s, %s",
					     backend, workload, metric, fig->unit,
					     results_better_name(fig->better));
		*out = fig;
		return 0;
	}
	if (rs->n_figures == rs->cap_figures) {
		size_t cap = rs->cap_figures ? 2 * rs->cap_figures : 16;
		struct results_figure **v = reallocarray(rs->figures, cap, sizeof(*v));

		if (!v)
			return iso_err_set(err, -ENOMEM, "grow figure list");
		rs->figures = v;
		rs->cap_figures = cap;
	}
	fig = calloc(1, sizeof(*fig));
	if (fig) {
		fig->backend = strdup(backend);
		fig->workload = strdup(workload);
		fig->metric = strdup(metric);
		fig->unit = strdup(unit);
	}
	if (!fig || !fig->backend || !fig->workload || !fig->metric || !fig->unit) {
		figure_destroy(fig);
		return iso_err_set(err, -ENOMEM, "allocate figure %s", metric);
	}
	fig->better = better;
	fig->instances = instances;
	rs->figures[rs->n_figures++] = fig;
	*out = fig;
	return 0;
}

int results_add_sample(struct results_figure *fig, double value, struct iso_err *err)
{
	if (!isfinite(value))
		return iso_err_input(err, -EINVAL, "%s/%s/%s: sample is not a finite number",
				     fig->backend, fig->workload, fig->metric);
	if (fig->n_samples == fig->cap_samples) {
		size_t cap = fig->cap_samples ? 2 * fig->cap_samples : 16;
		double *v = reallocarray(fig->samples, cap, sizeof(*v));

		if (!v)
			return iso_err_set(err, -ENOMEM, "grow samples of %s", fig->metric);
		fig->samples = v;
		fig->cap_samples = cap;
	}
	fig->samples[fig->n_samples++] = value;
	return 0;
}

static void replace_tree(cJSON **slot, cJSON *tree)
{
	cJSON_Delete(*slot);
	*slot = tree;
}

void results_set_environment(struct results *rs, cJSON *tree)
{
	replace_tree(&rs->environment, tree);
}

void results_set_config(struct results *rs, cJSON *tree)
{
	replace_tree(&rs->config, tree);
}

void results_set_skipped(struct results *rs, cJSON *tree)
{
	replace_tree(&rs->skipped, tree);
}

/* ---- saving ---------------------------------------------------------- */

/* Deep copy of `tree`, or an empty object/array when NULL. */
static cJSON *tree_or_empty(const cJSON *tree, bool array)
{
	if (tree)
		return cJSON_Duplicate(tree, 1);
	return array ? cJSON_CreateArray() : cJSON_CreateObject();
}

/* A number that reads back bit for bit: cJSON prints 15 significant
 * digits and accepts a last-bit error; raw text with the shortest of
 * 15..17 digits that strtod() maps back to the same double does not. */
static cJSON *exact_number(double v)
{
	char buf[32];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return cJSON_CreateRaw(buf);
}

static bool add_exact(cJSON *obj, const char *name, double v)
{
	cJSON *n = exact_number(v);

	if (n && cJSON_AddItemToObject(obj, name, n))
		return true;
	cJSON_Delete(n);
	return false;
}

static cJSON *summary_json(const struct stats_summary *s)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	if (!cJSON_AddNumberToObject(o, "n", (double)s->n) || !add_exact(o, "median", s->median) ||
	    !add_exact(o, "mean", s->mean) || !add_exact(o, "stddev", s->stddev) ||
	    !add_exact(o, "min", s->min) || !add_exact(o, "max", s->max) ||
	    !add_exact(o, "p25", s->p25) || !add_exact(o, "p75", s->p75) ||
	    !add_exact(o, "mad", s->mad) || !add_exact(o, "ci_level", s->ci_level) ||
	    !add_exact(o, "ci_lo", s->ci_lo) || !add_exact(o, "ci_hi", s->ci_hi)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *figure_json(const struct results_figure *f)
{
	cleanup_json cJSON *o = cJSON_CreateObject();
	cJSON *samples, *summary;

	if (!o || !cJSON_AddStringToObject(o, "backend", f->backend) ||
	    !cJSON_AddStringToObject(o, "workload", f->workload) ||
	    !cJSON_AddStringToObject(o, "metric", f->metric) ||
	    !cJSON_AddStringToObject(o, "unit", f->unit) ||
	    !cJSON_AddStringToObject(o, "better", results_better_name(f->better)) ||
	    !cJSON_AddNumberToObject(o, "instances", f->instances) ||
	    !cJSON_AddBoolToObject(o, "noisy", f->noisy))
		return NULL;
	samples = cJSON_AddArrayToObject(o, "samples");
	if (!samples)
		return NULL;
	for (size_t i = 0; i < f->n_samples; i++) {
		cJSON *n = exact_number(f->samples[i]);

		if (!n || !cJSON_AddItemToArray(samples, n)) {
			cJSON_Delete(n);
			return NULL;
		}
	}
	summary = summary_json(&f->summary);
	if (!summary || !cJSON_AddItemToObject(o, "summary", summary)) {
		cJSON_Delete(summary);
		return NULL;
	}
	return steal_ptr(&o);
}

/* Build the whole document; summaries must be current. */
static cJSON *results_json(const struct results *rs)
{
	cleanup_json cJSON *doc = cJSON_CreateObject();
	cJSON *figures, *item;

	if (!doc || !cJSON_AddStringToObject(doc, "schema", RESULTS_SCHEMA) ||
	    !cJSON_AddStringToObject(doc, "run_id", rs->run_id) ||
	    !cJSON_AddStringToObject(doc, "created", rs->created) ||
	    !cJSON_AddStringToObject(doc, "command", rs->command))
		return NULL;
	item = tree_or_empty(rs->environment, false);
	if (!item || !cJSON_AddItemToObject(doc, "environment", item))
		return NULL;
	item = tree_or_empty(rs->config, false);
	if (!item || !cJSON_AddItemToObject(doc, "config", item))
		return NULL;
	item = tree_or_empty(rs->skipped, true);
	if (!item || !cJSON_AddItemToObject(doc, "skipped", item))
		return NULL;
	figures = cJSON_AddArrayToObject(doc, "figures");
	if (!figures)
		return NULL;
	for (size_t i = 0; i < rs->n_figures; i++) {
		if (rs->figures[i]->n_samples == 0)
			continue;
		item = figure_json(rs->figures[i]);
		if (!item || !cJSON_AddItemToArray(figures, item))
			return NULL;
	}
	return steal_ptr(&doc);
}

static int recompute_summaries(struct results *rs, struct iso_err *err)
{
	for (size_t i = 0; i < rs->n_figures; i++) {
		struct results_figure *f = rs->figures[i];
		int r;

		if (f->n_samples == 0)
			continue;
		r = stats_summarize(f->samples, f->n_samples, RESULTS_CI_LEVEL, &f->summary, err);
		if (r < 0)
			return iso_err_wrap(err, "%s/%s/%s", f->backend, f->workload, f->metric);
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int results_save(struct results *rs, const char *path, struct iso_err *err)
{
	cleanup_json cJSON *doc = NULL;
	cleanup_free char *text = NULL;
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	int r;

	r = recompute_summaries(rs, err);
	if (r < 0)
		return r;
	doc = results_json(rs);
	text = doc ? cJSON_Print(doc) : NULL;
	if (!text || asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		tmp = NULL;
		return iso_err_set(err, -ENOMEM, "format %s", path);
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return iso_err_set(err, -errno, "create %s", tmp);
	r = write_all(fd, text, strlen(text));
	if (r == 0)
		r = write_all(fd, "\n", 1);
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return iso_err_set(err, r, "write %s", path);
	}
	return 0;
}

/* ---- loading --------------------------------------------------------- */

/* Validation context: the file name and the field being checked, so that
 * every message reads "<file>: <field>: <problem>". */
struct load_ctx {
	const char *path;
	struct iso_err *err;
};

static int bad(const struct load_ctx *c, const char *field, const char *problem)
{
	return iso_err_input(c->err, -EINVAL, "%s: %s: %s", c->path, field, problem);
}

static int get_string(const struct load_ctx *c, const cJSON *obj, const char *name,
		      const char *field, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!v)
		return bad(c, field, "missing");
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return bad(c, field, "not a non-empty string");
	*out = v->valuestring;
	return 0;
}

/* An optional member that must have the given cJSON type when present. */
static int get_optional(const struct load_ctx *c, const cJSON *obj, const char *name,
			const char *field, int type, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*out = v;
	if (!v)
		return 0;
	if (type == cJSON_True ? !cJSON_IsBool(v) : (v->type & 0xff) != type)
		return bad(c, field,
			   type == cJSON_Object	 ? "not an object"
			   : type == cJSON_Array ? "not an array"
			   : type == cJSON_True	 ? "not a boolean"
						 : "wrong type");
	return 0;
}

static int check_environment(const struct load_ctx *c, const cJSON *env)
{
	const cJSON *kvm = cJSON_GetObjectItemCaseSensitive(env, "kvm");
	const cJSON *mem = cJSON_GetObjectItemCaseSensitive(env, "memory_mib");

	if (kvm && (!cJSON_IsString(kvm) || (strcmp(kvm->valuestring, "native") != 0 &&
					     strcmp(kvm->valuestring, "emulated") != 0 &&
					     strcmp(kvm->valuestring, "none") != 0)))
		return bad(c, "environment.kvm", "not one of native, emulated, none");
	if (mem && (!cJSON_IsNumber(mem) || !(mem->valuedouble > 0)))
		return bad(c, "environment.memory_mib", "not a positive number");
	return 0;
}

static int check_skipped(const struct load_ctx *c, const cJSON *skipped)
{
	char field[64];
	const cJSON *s;
	const char *str;
	int i = 0, r;

	cJSON_ArrayForEach(s, skipped)
	{
		snprintf(field, sizeof(field), "skipped[%d]", i);
		if (!cJSON_IsObject(s))
			return bad(c, field, "not an object");
		snprintf(field, sizeof(field), "skipped[%d].backend", i);
		r = get_string(c, s, "backend", field, &str);
		if (r < 0)
			return r;
		snprintf(field, sizeof(field), "skipped[%d].reason", i);
		r = get_string(c, s, "reason", field, &str);
		if (r < 0)
			return r;
		i++;
	}
	return 0;
}

/* Field name "figures[i].<name>" into buf. */
static const char *fig_field(char *buf, size_t size, int i, const char *name)
{
	snprintf(buf, size, "figures[%d].%s", i, name);
	return buf;
}

static int load_figure(const struct load_ctx *c, struct results *rs, const cJSON *jf, int i)
{
	const char *backend, *workload, *metric, *unit, *better_s;
	const cJSON *inst, *noisy, *samples, *summary, *v;
	enum results_better better;
	struct results_figure *fig;
	char field[96];
	int r, k = 0;

	if (!cJSON_IsObject(jf))
		return bad(c, fig_field(field, sizeof(field), i, "*"), "not an object");
	if ((r = get_string(c, jf, "backend", fig_field(field, sizeof(field), i, "backend"),
			    &backend)) < 0 ||
	    (r = get_string(c, jf, "workload", fig_field(field, sizeof(field), i, "workload"),
			    &workload)) < 0 ||
	    (r = get_string(c, jf, "metric", fig_field(field, sizeof(field), i, "metric"),
			    &metric)) < 0 ||
	    (r = get_string(c, jf, "unit", fig_field(field, sizeof(field), i, "unit"), &unit)) <
		    0 ||
	    (r = get_string(c, jf, "better", fig_field(field, sizeof(field), i, "better"),
			    &better_s)) < 0)
		return r;
	if (results_better_parse(better_s, &better) < 0)
		return bad(c, field, "not \"lower\" or \"higher\"");
	inst = cJSON_GetObjectItemCaseSensitive(jf, "instances");
	fig_field(field, sizeof(field), i, "instances");
	if (!inst)
		return bad(c, field, "missing");
	if (!cJSON_IsNumber(inst) || inst->valuedouble < 1 ||
	    inst->valuedouble > RESULTS_INSTANCES_MAX ||
	    inst->valuedouble != floor(inst->valuedouble))
		return bad(c, field, "not an integer in [1, 100000]");
	/* cJSON_True stands for "a boolean" in get_optional(). */
	r = get_optional(c, jf, "noisy", fig_field(field, sizeof(field), i, "noisy"), cJSON_True,
			 &noisy);
	if (r < 0)
		return r;
	r = get_optional(c, jf, "summary", fig_field(field, sizeof(field), i, "summary"),
			 cJSON_Object, &summary);
	if (r < 0)
		return r;
	samples = cJSON_GetObjectItemCaseSensitive(jf, "samples");
	fig_field(field, sizeof(field), i, "samples");
	if (!cJSON_IsArray(samples))
		return bad(c, field, samples ? "not an array" : "missing");
	if (cJSON_GetArraySize(samples) == 0)
		return bad(c, field, "empty");
	if (results_find(rs, backend, workload, metric, (unsigned)inst->valuedouble))
		return bad(c, fig_field(field, sizeof(field), i, "*"),
			   "duplicate of an earlier figure (same backend, workload, metric, "
			   "instances)");
	r = results_figure(rs, backend, workload, metric, unit, better, (unsigned)inst->valuedouble,
			   &fig, c->err);
	if (r < 0)
		return r;
	fig->noisy = cJSON_IsTrue(noisy);
	cJSON_ArrayForEach(v, samples)
	{
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
			snprintf(field, sizeof(field), "figures[%d].samples[%d]", i, k);
			return bad(c, field, "not a finite number");
		}
		r = results_add_sample(fig, v->valuedouble, c->err);
		if (r < 0)
			return r;
		k++;
	}
	return 0;
}

/* Validate `doc` and fill a new set. */
static int load_doc(const struct load_ctx *c, const cJSON *doc, struct results **out)
{
	const char *schema, *run_id, *created, *command;
	const cJSON *env, *config, *skipped, *figures, *jf;
	struct results *rs = NULL;
	int r, i = 0;

	if (!cJSON_IsObject(doc))
		return bad(c, "(top level)", "not an object");
	if ((r = get_string(c, doc, "schema", "schema", &schema)) < 0)
		return r;
	if (strcmp(schema, RESULTS_SCHEMA) != 0)
		return iso_err_input(c->err, -EINVAL, "%s: schema: \"%s\" is not %s", c->path,
				     schema, RESULTS_SCHEMA);
	if ((r = get_string(c, doc, "run_id", "run_id", &run_id)) < 0 ||
	    (r = get_string(c, doc, "created", "created", &created)) < 0 ||
	    (r = get_string(c, doc, "command", "command", &command)) < 0 ||
	    (r = get_optional(c, doc, "environment", "environment", cJSON_Object, &env)) < 0 ||
	    (r = get_optional(c, doc, "config", "config", cJSON_Object, &config)) < 0 ||
	    (r = get_optional(c, doc, "skipped", "skipped", cJSON_Array, &skipped)) < 0)
		return r;
	if (env && (r = check_environment(c, env)) < 0)
		return r;
	if (skipped && (r = check_skipped(c, skipped)) < 0)
		return r;
	figures = cJSON_GetObjectItemCaseSensitive(doc, "figures");
	if (!cJSON_IsArray(figures))
		return bad(c, "figures", figures ? "not an array" : "missing");

	r = results_alloc(run_id, created, command, &rs, c->err);
	if (r < 0)
		return r;
	rs->environment = env ? cJSON_Duplicate(env, 1) : NULL;
	rs->config = config ? cJSON_Duplicate(config, 1) : NULL;
	rs->skipped = skipped ? cJSON_Duplicate(skipped, 1) : NULL;
	if ((env && !rs->environment) || (config && !rs->config) || (skipped && !rs->skipped))
		r = iso_err_set(c->err, -ENOMEM, "copy %s", c->path);
	cJSON_ArrayForEach(jf, figures)
	{
		if (r < 0)
			break;
		r = load_figure(c, rs, jf, i++);
	}
	if (r == 0)
		r = recompute_summaries(rs, c->err);
	if (r < 0) {
		results_destroy(rs);
		return r;
	}
	*out = rs;
	return 0;
}

int results_load(const char *path, struct results **out, struct iso_err *err)
{
	struct load_ctx c = {.path = path, .err = err};
	cleanup_json cJSON *doc = NULL;
	int r;

	r = jsonfile_load(path, &doc, err);
	if (r < 0)
		return r;
	return load_doc(&c, doc, out);
}

int results_load_path(const char *path, struct results **out, struct iso_err *err)
{
	cleanup_free char *file = NULL;
	struct stat st;

	if (stat(path, &st) < 0)
		return iso_err_set(err, -errno, "%s", path);
	if (!S_ISDIR(st.st_mode))
		return results_load(path, out, err);
	if (asprintf(&file, "%s/results.json", path) < 0) {
		file = NULL;
		return iso_err_set(err, -ENOMEM, "load %s", path);
	}
	return results_load(file, out, err);
}

/* Deep copy of `tree` into *slot when *slot is empty. */
static int adopt_tree(cJSON **slot, const cJSON *tree, struct iso_err *err)
{
	if (*slot || !tree)
		return 0;
	*slot = cJSON_Duplicate(tree, 1);
	if (!*slot)
		return iso_err_set(err, -ENOMEM, "copy result tree");
	return 0;
}

int results_merge(struct results *dst, const struct results *src, struct iso_err *err)
{
	int r;

	if ((r = adopt_tree(&dst->environment, src->environment, err)) < 0 ||
	    (r = adopt_tree(&dst->config, src->config, err)) < 0 ||
	    (r = adopt_tree(&dst->skipped, src->skipped, err)) < 0)
		return r;
	for (size_t i = 0; i < src->n_figures; i++) {
		const struct results_figure *s = src->figures[i];
		struct results_figure *d;

		r = results_figure(dst, s->backend, s->workload, s->metric, s->unit, s->better,
				   s->instances, &d, err);
		if (r < 0)
			return r;
		d->noisy |= s->noisy;
		for (size_t k = 0; k < s->n_samples; k++) {
			r = results_add_sample(d, s->samples[k], err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
