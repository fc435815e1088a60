/*
 * cfg_test: the config loader, table by table.
 *
 * Trees are compared through a one-line dump that shows every line
 * number: 'plain'@L, "quoted"@L, [items]@L, {key@L:value}@L.  Problems
 * are compared as the "FILE:LINE: msg" lines igor -t prints, built from
 * the struct cfg_err fields.
 */
#include "cfg.h"
#include "check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct out {
	char *buf;
	size_t size, n;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->n + len + 1 > o->size) {
		o->size = (o->n + len + 1) * 2;
		o->buf = realloc(o->buf, o->size);
		if (!o->buf)
			abort(); /* a test may die of its own malloc */
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
	o->buf[o->n] = '\0';
}

static void putf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(o, tmp, n < (int)sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void dump_scalar(struct out *o, const struct cfg_node *n)
{
	const char *q = n->quoted ? "\"" : "'";
	size_t i;

	put(o, q, 1);
	for (i = 0; i < n->len; i++) {
		if (n->text[i])
			put(o, &n->text[i], 1);
		else
			put(o, "\\0", 2);
	}
	put(o, q, 1);
}

static void dump(struct out *o, const struct cfg_node *n)
{
	size_t i;

	if (!n) {
		put(o, "-", 1);
		return;
	}
	if (n->kind == CFG_SCALAR)
		dump_scalar(o, n);
	if (n->kind == CFG_SEQ) {
		put(o, "[", 1);
		for (i = 0; i < n->len; i++) {
			if (i)
				put(o, ",", 1);
			dump(o, n->items[i]);
		}
		put(o, "]", 1);
	}
	if (n->kind == CFG_MAP) {
		put(o, "{", 1);
		for (i = 0; i < n->len; i++) {
			putf(o, "%s%s@%u:", i ? "," : "", n->pairs[i].key,
			     n->pairs[i].line);
			dump(o, n->pairs[i].value);
		}
		put(o, "}", 1);
	}
	putf(o, "@%u", n->line);
}

/* The problems as igor -t prints them, one "FILE:LINE: msg\n" each. */
static char *errs_text(const struct cfg_errs *e)
{
	struct out o = { 0 };
	size_t i;

	put(&o, "", 0);
	for (i = 0; i < e->n; i++) {
		put(&o, e->v[i].file, strlen(e->v[i].file));
		putf(&o, ":%u: ", e->v[i].line);
		put(&o, e->v[i].msg, strlen(e->v[i].msg));
		put(&o, "\n", 1);
	}
	return o.buf;
}

/* Parses in as t.conf; returns the dump, or the problems on failure. */
static char *parse_text(const char *in, size_t len, int *rc)
{
	struct cfg_errs errs = { 0 };
	struct cfg_node *root = (struct cfg_node *)&errs; /* must be reset */
	struct out o = { 0 };

	*rc = cfg_parse("t.conf", in, len, &root, &errs);
	if (*rc == 0) {
		dump(&o, root);
		CHECK(errs.n == 0, "no problems on success");
	} else {
		o.buf = errs_text(&errs);
		CHECK(root == NULL, "root is NULL on failure");
	}
	cfg_free(root);
	cfg_errs_release(&errs);
	return o.buf;
}

static void test_trees(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "a: 1\nb: two\n", "{a@1:'1'@1,b@2:'two'@2}@1" },
		{ "- x\n- 'y'\n- \"z\"\n", "['x'@1,\"y\"@2,\"z\"@3]@1" },
		{ "k: |\n  a\n  b\n", "{k@1:\"a\nb\n\"@1}@1" },
		{ "- >\n  f\n  g\n", "[\"f g\n\"@1]@1" },
		{ "a:\n  b:\n    - 1\n    - c: d\n",
		  "{a@1:{b@2:['1'@3,{c@4:'d'@4}@4]@3}@2}@1" },
		{ "{a: 1, b: {c: d}}", "{a@1:'1'@1,b@1:{c@1:'d'@1}@1}@1" },
		{ "- [a, {b: c}]\n-\n  - d\n",
		  "[['a'@1,{b@1:'c'@1}@1]@1,['d'@3]@3]@1" },
		{ "a:\nb: ~\nc: null\nd: ''\n",
		  "{a@1:''@1,b@2:'~'@2,c@3:'null'@3,d@4:\"\"@4}@1" },
		{ "x: \"a\\0b\"\n", "{x@1:\"a\\0b\"@1}@1" },
		{ "plain", "'plain'@1" },
		{ "''", "\"\"@1" },
		{ "\n\n# c\nname: x\n", "{name@4:'x'@4}@4" },
		{ "%YAML 1.1\n---\na: 1\n", "{a@3:'1'@3}@3" },
		{ "a: &anchor 1\nb: 2\n", "{a@1:'1'@1,b@2:'2'@2}@1" },
		{ "a: !!str 3\n", "{a@1:'3'@1}@1" },
		{ "\xef\xbb\xbf" "a: 1\n", "{a@1:'1'@1}@1" },
		/* a BOM: the keys after the first line keep their column */
		{ "\xef\xbb\xbf" "a: 1\nb: 2\n", "{a@1:'1'@1,b@2:'2'@2}@1" },
		{ "\xef\xbb\xbf" "# c\nname: x\nu:\n  - y\n",
		  "{name@2:'x'@2,u@3:['y'@4]@4}@2" },
		{ "\xef\xbb\xbf" "---\na: 1\n", "{a@2:'1'@2}@2" },
		{ "\xef\xbb\xbf", "-" },
		{ "a: 1\n...\n", "{a@1:'1'@1}@1" },
		{ "[]", "[]@1" },
		{ "{}", "{}@1" },
		/* empty documents are a NULL root, not a problem */
		{ "", "-" },
		{ "---\n", "-" },
		{ "# only a comment\n", "-" },
		{ "--- \n...\n", "-" },
	};
	size_t i;
	char *got;
	int rc;

	for (i = 0; i < NELEM(t); i++) {
		got = parse_text(t[i].in, strlen(t[i].in), &rc);
		CHECK_INT(rc, 0, "tree %zu: parses", i);
		CHECK_STR(got, t[i].want, "tree %zu: dump", i);
		free(got);
	}
}

static void test_problems(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "a: 1\n  b: 2\n",
		  "t.conf:2: mapping values are not allowed in this "
		  "context\n" },
		{ "a: [1, 2\n",
		  "t.conf:2: did not find expected ',' or ']' (a flow sequence started at line 1)\n" },
		{ "'x", "t.conf:1: found unexpected end of stream\n" },
		{ "a:\n\tb: 1\n",
		  "t.conf:2: found character that cannot start any token\n" },
		{ "a: \x01\n",
		  "t.conf:1: control characters are not allowed\n" },
		{ "a: 1\nb: \"\xff\"\n",
		  "t.conf:2: invalid leading UTF-8 octet\n" },
		{ "a: *x\n", "t.conf:1: aliases are not supported\n" },
		{ "\xef\xbb\xbf" "a: 1\nb: [\n",
		  "t.conf:3: did not find expected node content\n" },
		{ "\xef\xbb\xbf" "a: 1\nb: \x01\n",
		  "t.conf:2: control characters are not allowed\n" },
		{ "a: &x 1\nb: *x\nc: [*x]\n",
		  "t.conf:2: aliases are not supported\n"
		  "t.conf:3: aliases are not supported\n" },
		{ "a: 1\na: 2\nb: 3\nb: 4\na: 5\n",
		  "t.conf:2: duplicate key 'a' (first at line 1)\n"
		  "t.conf:4: duplicate key 'b' (first at line 3)\n"
		  "t.conf:5: duplicate key 'a' (first at line 1)\n" },
		{ "x:\n  k: 1\ny:\n  k: 2\n", NULL }, /* same key, two maps */
		{ "{a: 1, a: 1}",
		  "t.conf:1: duplicate key 'a' (first at line 1)\n" },
		{ "? [a]\n: 1\nb: 2\n",
		  "t.conf:1: mapping keys must be scalars\n" },
		{ "{? {a: b}: c, d: e}\n",
		  "t.conf:1: mapping keys must be scalars\n" },
		{ "\"a\\0b\": 1\n",
		  "t.conf:1: mapping keys must not contain NUL bytes\n" },
		{ "a: 1\n---\nb: 2\n", "t.conf:2: more than one document\n" },
		{ "---\n---\n", "t.conf:2: more than one document\n" },
		/* problems before a syntax error are kept */
		{ "a: *x\na: 2\nb: [\n",
		  "t.conf:1: aliases are not supported\n"
		  "t.conf:2: duplicate key 'a' (first at line 1)\n"
		  "t.conf:4: did not find expected node content\n" },
		/* an alias as a key reads as "", and goes on */
		{ "*x : 1\n\"\": 2\n",
		  "t.conf:1: aliases are not supported\n"
		  "t.conf:2: duplicate key '' (first at line 1)\n" },
	};
	size_t i;
	char *got;
	int rc;

	for (i = 0; i < NELEM(t); i++) {
		got = parse_text(t[i].in, strlen(t[i].in), &rc);
		if (!t[i].want) {
			CHECK_INT(rc, 0, "problem %zu: none", i);
		} else {
			CHECK_INT(rc, -1, "problem %zu: refused", i);
			CHECK_STR(got, t[i].want, "problem %zu: message", i);
		}
		free(got);
	}
}

/* Each cfg_parse appends to the list and never touches earlier ones. */
static void test_errs_append(void)
{
	struct cfg_errs errs = { 0 };
	struct cfg_node *root;
	char big[1000];

	cfg_errs_add(&errs, "x.conf", 7, "unknown key '%s'", "zz");
	CHECK_INT(cfg_parse("y.conf", "a: *b", 5, &root, &errs), -1,
		  "append: refused");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cfg_errs_add(&errs, NULL, 0, "%s", big);
	CHECK_INT(errs.n, 3, "append: count");
	CHECK_STR(errs.v[0].file, "x.conf", "append: first file");
	CHECK_STR(errs.v[0].msg, "unknown key 'zz'", "append: first msg");
	CHECK_STR(errs.v[1].file, "y.conf", "append: second file");
	CHECK_INT(errs.v[1].line, 1, "append: second line");
	CHECK_STR(errs.v[2].file, "", "append: NULL file is \"\"");
	CHECK_INT(strlen(errs.v[2].msg), CFG_ERR_MSG - 1,
		  "append: long message truncated");
	cfg_errs_release(&errs);
	CHECK(errs.n == 0 && errs.v == NULL, "append: release empties");
	cfg_errs_release(&errs);
	cfg_errs_release(NULL);
	cfg_errs_add(NULL, "x", 1, "dropped");
}

static void test_scalar_bytes(void)
{
	struct cfg_errs errs = { 0 };
	struct cfg_node *root;
	const struct cfg_node *v;

	CHECK_INT(cfg_parse("t.conf", "v: \"a\\0b\"", 9, &root, &errs), 0,
		  "nul: parses");
	v = cfg_get(root, "v");
	CHECK(v && v->len == 3 && memcmp(v->text, "a\0b", 4) == 0,
	      "nul: len 3, bytes kept, NUL-terminated");
	CHECK(v && v->quoted, "nul: double-quoted is quoted");
	CHECK(cfg_get(root, "w") == NULL, "get: absent key");
	CHECK(cfg_get(v, "v") == NULL, "get: not a map");
	CHECK(cfg_get(NULL, "v") == NULL, "get: NULL map");
	CHECK(cfg_get(root, NULL) == NULL, "get: NULL key");
	cfg_free(root);
	cfg_free(NULL);
	/* buf NULL with len 0 is an empty file */
	CHECK_INT(cfg_parse("t.conf", NULL, 0, &root, &errs), 0, "NULL buf");
	CHECK(root == NULL && errs.n == 0, "NULL buf: empty");
}

/* Builds a string of n copies of unit between head and tail. */
static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail)
{
	struct out o = { 0 };
	size_t i;

	put(&o, head, strlen(head));
	for (i = 0; i < n; i++)
		put(&o, unit, strlen(unit));
	put(&o, tail, strlen(tail));
	return o.buf;
}

/* Runs in through cfg_parse; returns the problems joined, or "". */
static char *run(const char *in, size_t len, int *rc, size_t *nerrs)
{
	struct cfg_errs errs = { 0 };
	struct cfg_node *root;
	char *text;

	*rc = cfg_parse("t.conf", in, len, &root, &errs);
	text = errs_text(&errs);
	*nerrs = errs.n;
	cfg_free(root);
	cfg_errs_release(&errs);
	return text;
}

static void test_alias_bomb(void)
{
	static const char bomb[] =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	clock_t start = clock();
	size_t n;
	char *got, *many;
	int rc;

	got = run(bomb, strlen(bomb), &rc, &n);
	CHECK_INT(rc, -1, "billion laughs: refused");
	CHECK_INT(n, 8 * 9, "billion laughs: one problem per alias");
	CHECK(strncmp(got, "t.conf:2: aliases are not supported\n", 36) == 0,
	      "billion laughs: first at line 2");
	CHECK(clock() - start < CLOCKS_PER_SEC, "billion laughs: quick");
	free(got);

	/* problems stop at CFG_MAX_ERRS, then one line says so */
	many = repeat("[", "*a,", 1000, "]");
	got = run(many, strlen(many), &rc, &n);
	CHECK_INT(rc, -1, "many aliases: refused");
	CHECK_INT(n, CFG_MAX_ERRS + 1, "many aliases: capped");
	CHECK(strstr(got, "t.conf:1: too many problems\n") != NULL &&
		      strcmp(strstr(got, "t.conf:1: too many problems\n"),
			     "t.conf:1: too many problems\n") == 0,
	      "many aliases: last says too many problems");
	free(got);
	free(many);
}

/*
 * Each input is head, unit n times, mid, close n times: well-formed YAML
 * at exactly the cap and one past it.  want "" means it parses.
 */
static void test_caps(void)
{
	static const struct {
		const char *head, *unit;
		size_t n;
		const char *mid, *close, *want;
	} t[] = {
		{ "", "[", CFG_MAX_DEPTH, "", "]", "" },
		{ "", "[", CFG_MAX_DEPTH + 1, "", "]",
		  "t.conf:1: nesting deeper than 32 levels\n" },
		{ "", "{a: ", CFG_MAX_DEPTH, "b", "}", "" },
		{ "", "{a: ", CFG_MAX_DEPTH + 1, "b", "}",
		  "t.conf:1: nesting deeper than 32 levels\n" },
		{ "", "- ", CFG_MAX_DEPTH, "x", "", "" },
		{ "", "- ", CFG_MAX_DEPTH + 1, "x", "",
		  "t.conf:1: nesting deeper than 32 levels\n" },
		{ "a:\n", "- ", CFG_MAX_DEPTH + 1, "x\n", "",
		  "t.conf:2: nesting deeper than 32 levels\n" },
		{ "[", "1,", CFG_MAX_NODES - 1, "]", "", "" },
		{ "[", "1,", CFG_MAX_NODES, "]", "",
		  "t.conf:1: more than 100000 nodes\n" },
		{ "", "#", CFG_MAX_BYTES, "", "", "" },
		{ "", "#", CFG_MAX_BYTES + 1, "", "",
		  "t.conf:1: file larger than 1048576 bytes\n" },
	};
	size_t i, n;
	char *in, *tail, *got;
	int rc;

	for (i = 0; i < NELEM(t); i++) {
		tail = repeat(t[i].mid, t[i].close, t[i].n, "");
		in = repeat(t[i].head, t[i].unit, t[i].n, tail);
		got = run(in, strlen(in), &rc, &n);
		CHECK_INT(rc, *t[i].want ? -1 : 0, "cap %zu: rc", i);
		CHECK_STR(got, t[i].want, "cap %zu: problems", i);
		free(got);
		free(in);
		free(tail);
	}
}

/* A mapping of n distinct keys k0..k(n-1), then extra. */
static char *big_map(size_t n, const char *extra)
{
	struct out o = { 0 };
	size_t i;

	put(&o, "", 0);
	for (i = 0; i < n; i++)
		putf(&o, "k%zu: %zu\n", i, i);
	put(&o, extra, strlen(extra));
	return o.buf;
}

/* Many keys: duplicates found in any position, quickly, up to the cap. */
static void test_big_map(void)
{
	static const struct {
		size_t n;
		const char *extra, *want;
	} t[] = {
		{ (CFG_MAX_NODES - 1) / 2, "", "" },
		{ (CFG_MAX_NODES - 1) / 2 - 1, "k123: x\n",
		  "t.conf:49999: duplicate key 'k123' (first at line 124)\n" },
		{ (CFG_MAX_NODES - 1) / 2, "k49999: x\n",
		  "t.conf:50000: more than 100000 nodes\n" },
	};
	struct cfg_errs errs = { 0 };
	struct cfg_node *root;
	clock_t start = clock();
	size_t i, n;
	char *in, *got;
	int rc;

	for (i = 0; i < NELEM(t); i++) {
		in = big_map(t[i].n, t[i].extra);
		got = run(in, strlen(in), &rc, &n);
		CHECK_INT(rc, *t[i].want ? -1 : 0, "big map %zu: rc", i);
		CHECK_STR(got, t[i].want, "big map %zu: problems", i);
		free(got);
		free(in);
	}
	CHECK(clock() - start < 5 * CLOCKS_PER_SEC, "big maps: quick");
	in = big_map(1000, "");
	CHECK_INT(cfg_parse("t.conf", in, strlen(in), &root, &errs), 0,
		  "1000 keys: parse");
	CHECK_STR(cfg_get(root, "k999") ? cfg_get(root, "k999")->text : NULL,
		  "999", "1000 keys: last key found");
	CHECK_INT(root ? root->pairs[999].line : 0, 1000,
		  "1000 keys: line of the last key");
	cfg_free(root);
	free(in);
}

static struct cfg_node scalar(const char *s)
{
	return (struct cfg_node){ .kind = CFG_SCALAR, .text = (char *)s,
				  .len = strlen(s), .line = 1 };
}

static void test_as_int(void)
{
	static const struct {
		const char *in;
		int rc;
		long long want;
	} t[] = {
		{ "0", 0, 0 },
		{ "12", 0, 12 },
		{ "-3", 0, -3 },
		{ "+7", 0, 7 },
		{ "010", 0, 10 },
		{ "0x1f", 0, 31 },
		{ "0X1F", 0, 31 },
		{ "-0x10", 0, -16 },
		{ "0o17", 0, 15 },
		{ "0O17", 0, 15 },
		{ "9223372036854775807", 0, 9223372036854775807LL },
		{ "-9223372036854775808", 0, -9223372036854775807LL - 1 },
		{ "0x7fffffffffffffff", 0, 9223372036854775807LL },
		{ "9223372036854775808", -1, 0 },
		{ "-9223372036854775809", -1, 0 },
		{ "0x8000000000000000", -1, 0 },
		{ "99999999999999999999999", -1, 0 },
		{ "", -1, 0 },
		{ "-", -1, 0 },
		{ "0x", -1, 0 },
		{ "0o", -1, 0 },
		{ "0o8", -1, 0 },
		{ "0xg", -1, 0 },
		{ "12a", -1, 0 },
		{ " 12", -1, 0 },
		{ "12 ", -1, 0 },
		{ "1_000", -1, 0 },
		{ "1.5", -1, 0 },
		{ "--1", -1, 0 },
		{ "0b101", -1, 0 },
		{ "ten", -1, 0 },
	};
	struct cfg_node n, seq = { .kind = CFG_SEQ };
	long long v;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		n = scalar(t[i].in);
		v = 0;
		CHECK_INT(cfg_as_int(&n, &v), t[i].rc, "int '%s': rc", t[i].in);
		if (t[i].rc == 0)
			CHECK_INT(v, t[i].want, "int '%s': value", t[i].in);
	}
	n = (struct cfg_node){ .kind = CFG_SCALAR, .text = "1\0002", .len = 3 };
	CHECK_INT(cfg_as_int(&n, &v), -1, "int with a NUL: refused");
	CHECK_INT(cfg_as_int(&seq, &v), -1, "int of a sequence: refused");
	CHECK_INT(cfg_as_int(NULL, &v), -1, "int of NULL: refused");
}

static void test_as_bool(void)
{
	static const struct {
		const char *in;
		int rc;
		bool want;
	} t[] = {
		{ "true", 0, true }, { "True", 0, true },
		{ "TRUE", 0, true }, { "yes", 0, true },
		{ "YeS", 0, true }, { "on", 0, true },
		{ "ON", 0, true }, { "false", 0, false },
		{ "FALSE", 0, false }, { "no", 0, false },
		{ "No", 0, false }, { "off", 0, false },
		{ "Off", 0, false }, { "y", -1, false },
		{ "n", -1, false }, { "1", -1, false },
		{ "0", -1, false }, { "", -1, false },
		{ "truee", -1, false }, { " true", -1, false },
		{ "tru", -1, false }, { "nope", -1, false },
	};
	struct cfg_node n, map = { .kind = CFG_MAP };
	size_t i;
	bool v;

	for (i = 0; i < NELEM(t); i++) {
		n = scalar(t[i].in);
		v = !t[i].want;
		CHECK_INT(cfg_as_bool(&n, &v), t[i].rc, "bool '%s': rc",
			  t[i].in);
		if (t[i].rc == 0)
			CHECK_INT(v, t[i].want, "bool '%s': value", t[i].in);
	}
	n = (struct cfg_node){ .kind = CFG_SCALAR, .text = "on\0x", .len = 4 };
	CHECK_INT(cfg_as_bool(&n, &v), -1, "bool with a NUL: refused");
	CHECK_INT(cfg_as_bool(&map, &v), -1, "bool of a mapping: refused");
	CHECK_INT(cfg_as_bool(NULL, &v), -1, "bool of NULL: refused");
}

static void test_as_seconds(void)
{
	static const struct {
		const char *in;
		int rc;
		long long want;
	} t[] = {
		{ "10", 0, 10000 },
		{ "0", 0, 0 },
		{ "0.05", 0, 50 },
		{ "1.5", 0, 1500 },
		{ ".5", 0, 500 },
		{ "2.", 0, 2000 },
		{ "0.001", 0, 1 },
		{ "0.0004", 0, 0 },
		{ "0.0005", 0, 1 },
		{ "0.0014999", 0, 1 },
		{ "1.9996", 0, 2000 },
		{ "007", 0, 7000 },
		{ "1000000000", 0, 1000000000000LL },
		{ "1000000000.000", 0, 1000000000000LL },
		{ "1000000000.0001", -1, 0 },
		{ "1000000001", -1, 0 },
		{ "99999999999999999999", -1, 0 },
		{ "-1", -1, 0 },
		{ "-0", -1, 0 },
		{ "+1", -1, 0 },
		{ "", -1, 0 },
		{ ".", -1, 0 },
		{ "1.2.3", -1, 0 },
		{ "1e3", -1, 0 },
		{ "nan", -1, 0 },
		{ "inf", -1, 0 },
		{ ".inf", -1, 0 },
		{ "0x10", -1, 0 },
		{ "10s", -1, 0 },
		{ " 1", -1, 0 },
		{ "1,5", -1, 0 },
	};
	struct cfg_node n;
	long long v;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		n = scalar(t[i].in);
		v = -1;
		CHECK_INT(cfg_as_seconds(&n, &v), t[i].rc, "seconds '%s': rc",
			  t[i].in);
		if (t[i].rc == 0)
			CHECK_INT(v, t[i].want, "seconds '%s': ms", t[i].in);
	}
	CHECK_INT(cfg_as_seconds(NULL, &v), -1, "seconds of NULL: refused");
}

static void test_equal(void)
{
	static const struct {
		const char *a, *b;
		bool want;
	} t[] = {
		{ "a: 1\nb: [x, y]\n", "{a: 1, b: [x, y]}", true },
		/* lines and quoting are ignored */
		{ "a: 1\n", "\n\n\na: '1'\n", true },
		{ "a: |\n  x\n", "a: \"x\\n\"", true },
		{ "", "---\n", true },
		{ "a: 1\n", "a: 2\n", false },
		{ "a: 1\n", "b: 1\n", false },
		{ "a: 1\nb: 2\n", "b: 2\na: 1\n", false }, /* order counts */
		{ "a: 1\n", "a: 1\nb: 2\n", false },
		{ "[a, b]", "[a]", false },
		{ "[a]", "{a: ''}", false },
		{ "a", "[a]", false },
		{ "a: \"x\\0y\"", "a: \"x\\0z\"", false },
		{ "a: \"x\\0\"", "a: x", false },
		{ "", "a", false },
	};
	struct cfg_errs errs = { 0 };
	struct cfg_node *a, *b;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(t); i++) {
		rc = cfg_parse("a", t[i].a, strlen(t[i].a), &a, &errs);
		rc |= cfg_parse("b", t[i].b, strlen(t[i].b), &b, &errs);
		CHECK_INT(rc, 0, "equal %zu: both parse", i);
		CHECK_INT(cfg_equal(a, b), t[i].want, "equal %zu: a == b", i);
		CHECK_INT(cfg_equal(b, a), t[i].want, "equal %zu: b == a", i);
		cfg_free(a);
		cfg_free(b);
	}
	cfg_errs_release(&errs);
}

/* Writes size bytes of filler to a new temp file; returns its fd. */
static int temp_file(char *path, size_t size)
{
	static char chunk[65536];
	size_t n;
	int fd;

	memset(chunk, '#', sizeof(chunk));
	strcpy(path, "/tmp/cfg_test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	for (; size; size -= n) {
		n = size < sizeof(chunk) ? size : sizeof(chunk);
		if (write(fd, chunk, n) != (ssize_t)n)
			break;
	}
	return fd;
}

static void test_read_file(void)
{
	static const struct {
		size_t size;
		int rc, err;
	} t[] = {
		{ 0, 0, 0 },
		{ 5, 0, 0 },
		{ CFG_MAX_BYTES, 0, 0 },
		{ CFG_MAX_BYTES + 1, -1, EFBIG },
	};
	char path[64], *buf;
	size_t i, len;
	int fd, rc;

	for (i = 0; i < NELEM(t); i++) {
		fd = temp_file(path, t[i].size);
		CHECK(fd >= 0, "read %zu: temp file", i);
		if (fd < 0)
			continue;
		buf = NULL;
		len = 7;
		errno = 0;
		rc = cfg_read_file(path, &buf, &len);
		CHECK_INT(rc, t[i].rc, "read %zu bytes: rc", t[i].size);
		if (rc == 0) {
			CHECK_INT(len, t[i].size, "read %zu: len", t[i].size);
			CHECK(buf && buf[len] == '\0' &&
				      (len == 0 || buf[len - 1] == '#'),
			      "read %zu: bytes, NUL-terminated", t[i].size);
		} else {
			CHECK_INT(errno, t[i].err, "read %zu: errno",
				  t[i].size);
		}
		free(buf);
		close(fd);
		unlink(path);
	}
	errno = 0;
	CHECK_INT(cfg_read_file("/tmp", &buf, &len), -1, "read dir: refused");
	CHECK_INT(errno, EINVAL, "read dir: EINVAL");
	errno = 0;
	CHECK_INT(cfg_read_file("/nonexistent/cfg_test.conf", &buf, &len), -1,
		  "read missing: refused");
	CHECK_INT(errno, ENOENT, "read missing: ENOENT");
}

int main(void)
{
	test_trees();
	test_problems();
	test_errs_append();
	test_scalar_bytes();
	test_alias_bomb();
	test_caps();
	test_big_map();
	test_as_int();
	test_as_bool();
	test_as_seconds();
	test_equal();
	test_read_file();
	return check_done();
}
