/*
 * cfg.c: YAML text -> a tree of struct cfg_node (see cfg.h).
 *
 * libyaml's event API drives a small stack of open sequences and
 * mappings; each finished node is attached to the collection on top of
 * the stack.  Events are handled one at a time, so every cap is checked
 * before the memory it guards is allocated.  Problems are collected and
 * parsing goes on until libyaml cannot go further or a cap is hit.
 */
#include "cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* A sequence or mapping whose items are still arriving. */
struct frame {
	struct cfg_node *node;
	size_t cap;        /* items or pairs allocated */
	bool want_value;   /* mapping: the next node is the value of a key */
	char *key;         /* mapping: that key; NULL when it was refused */
	unsigned key_line;
	size_t *slots;     /* mapping: hash of keys, pair index + 1, 0 free */
	size_t nslots;     /* a power of two, or 0 */
};

struct parser {
	const char *file;
	const char *buf;
	size_t len;
	struct cfg_errs *errs;
	yaml_parser_t yaml;
	struct frame stack[CFG_MAX_DEPTH];
	size_t depth;
	size_t nodes;
	unsigned docs;
	unsigned problems;
	bool stop;          /* end of input, or no point in reading on */
	struct cfg_node *root;
};

static void attach(struct parser *p, struct cfg_node *n);

/* ---- problems ------------------------------------------------------------ */

static void errs_vadd(struct cfg_errs *errs, const char *file, unsigned line,
		      const char *fmt, va_list ap);

const char *cfg_err_where(const struct cfg_err *e, char *buf, size_t cap)
{
	if (e->line)
		snprintf(buf, cap, "%s:%u", e->file, e->line);
	else
		snprintf(buf, cap, "%s", e->file);
	return buf;
}

void cfg_errs_add(struct cfg_errs *errs, const char *file, unsigned line,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_vadd(errs, file, line, fmt, ap);
	va_end(ap);
}

void cfg_errs_release(struct cfg_errs *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->v[i].file);
	free(errs->v);
	errs->v = NULL;
	errs->n = errs->cap = 0;
}

/*
 * Returns v with room for item n: v itself, or a larger copy.  On
 * failure returns NULL and v is untouched, so the caller still owns it.
 */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t want;

	if (n < *cap)
		return v;
	want = *cap ? *cap * 2 : 4;
	if (want < *cap || want > SIZE_MAX / size)
		return NULL;
	v = realloc(v, want * size);
	if (v)
		*cap = want;
	return v;
}

static void errs_vadd(struct cfg_errs *errs, const char *file, unsigned line,
		      const char *fmt, va_list ap)
{
	struct cfg_err *v, *e;

	if (!errs)
		return;
	v = grow(errs->v, &errs->cap, errs->n, sizeof(*v));
	if (!v)
		return;
	errs->v = v;
	e = &v[errs->n];
	e->file = strdup(file ? file : "");
	if (!e->file)
		return;
	e->line = line;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	errs->n++;
}

/*
 * Records one problem of this parse.  A file full of errors (a thousand
 * aliases, say) would otherwise cost a message for each; after
 * CFG_MAX_ERRS of them one more says so and reading stops.
 */
__attribute__((format(printf, 3, 4)))
static void problem(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (p->problems >= CFG_MAX_ERRS)
		return;
	va_start(ap, fmt);
	errs_vadd(p->errs, p->file, line, fmt, ap);
	va_end(ap);
	if (++p->problems < CFG_MAX_ERRS)
		return;
	cfg_errs_add(p->errs, p->file, line, "too many problems");
	p->stop = true;
}

static void oom(struct parser *p, unsigned line)
{
	problem(p, line, "out of memory");
	p->stop = true;
}

/* ---- duplicate keys ---------------------------------------------------- */

/* FNV-1a: a mapping of many keys must not cost a scan per key. */
static size_t hash_key(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void slot_put(size_t *slots, size_t nslots, const char *key,
		     size_t idx)
{
	size_t h = hash_key(key) & (nslots - 1);

	while (slots[h])
		h = (h + 1) & (nslots - 1);
	slots[h] = idx + 1;
}

/* Indexes the key of pair idx, which is about to be stored. */
static int index_key(struct frame *f, const char *key, size_t idx)
{
	size_t *slots, nslots = f->nslots, i;

	if ((idx + 1) * 2 > nslots) {
		nslots = nslots ? nslots * 2 : 16;
		slots = calloc(nslots, sizeof(*slots));
		if (!slots)
			return -1;
		for (i = 0; i < idx; i++)
			slot_put(slots, nslots, f->node->pairs[i].key, i);
		free(f->slots);
		f->slots = slots;
		f->nslots = nslots;
	}
	slot_put(f->slots, f->nslots, key, idx);
	return 0;
}

static const struct cfg_pair *find_key(const struct frame *f, const char *key)
{
	size_t mask = f->nslots - 1, h, i;

	if (!f->nslots)
		return NULL;
	for (h = hash_key(key) & mask; f->slots[h]; h = (h + 1) & mask) {
		i = f->slots[h] - 1;
		if (strcmp(f->node->pairs[i].key, key) == 0)
			return &f->node->pairs[i];
	}
	return NULL;
}

/* ---- building the tree --------------------------------------------------- */

void cfg_free(struct cfg_node *n)
{
	size_t i;

	if (!n)
		return;
	if (n->kind == CFG_SEQ) {
		for (i = 0; i < n->len; i++)
			cfg_free(n->items[i]);
		free(n->items);
	} else if (n->kind == CFG_MAP) {
		for (i = 0; i < n->len; i++) {
			free(n->pairs[i].key);
			cfg_free(n->pairs[i].value);
		}
		free(n->pairs);
	}
	free(n->text);
	free(n);
}

/* Counts one more node; refuses the one over the cap. */
static int count_node(struct parser *p, unsigned line)
{
	if (++p->nodes <= CFG_MAX_NODES)
		return 0;
	problem(p, line, "more than %d nodes", CFG_MAX_NODES);
	p->stop = true;
	return -1;
}

static void add_scalar(struct parser *p, unsigned line, const char *text,
		       size_t len, bool quoted)
{
	struct cfg_node *n;

	if (count_node(p, line))
		return;
	n = calloc(1, sizeof(*n));
	if (!n)
		goto out_oom;
	n->text = malloc(len + 1);
	if (!n->text)
		goto out_free_node;
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->kind = CFG_SCALAR;
	n->line = line;
	n->quoted = quoted;
	n->len = len;
	attach(p, n);
	return;

out_free_node:
	free(n);
out_oom:
	oom(p, line);
}

static void push(struct parser *p, enum cfg_kind kind, unsigned line)
{
	struct cfg_node *n;

	if (p->depth == CFG_MAX_DEPTH) {
		problem(p, line, "nesting deeper than %d levels",
			CFG_MAX_DEPTH);
		p->stop = true;
		return;
	}
	if (count_node(p, line))
		return;
	n = calloc(1, sizeof(*n));
	if (!n) {
		oom(p, line);
		return;
	}
	n->kind = kind;
	n->line = line;
	p->stack[p->depth++] = (struct frame){ .node = n };
}

static void pop(struct parser *p)
{
	struct frame *f;

	if (!p->depth)
		return;
	f = &p->stack[--p->depth];
	free(f->key);
	free(f->slots);
	attach(p, f->node);
}

/* Frees what is still open when reading stops early. */
static void stack_free(struct parser *p)
{
	struct frame *f;

	while (p->depth) {
		f = &p->stack[--p->depth];
		free(f->key);
		free(f->slots);
		cfg_free(f->node);
	}
}

static void append_item(struct parser *p, struct frame *f,
			struct cfg_node *n)
{
	struct cfg_node *seq = f->node, **items;
	unsigned line = n->line;

	items = grow(seq->items, &f->cap, seq->len, sizeof(*items));
	if (!items) {
		cfg_free(n);
		oom(p, line);
		return;
	}
	seq->items = items;
	items[seq->len++] = n;
}

static void append_pair(struct parser *p, struct frame *f,
			struct cfg_node *n)
{
	struct cfg_node *map = f->node;
	struct cfg_pair *pairs;
	unsigned line = n->line;

	f->want_value = false;
	if (!f->key)
		goto out_free_value; /* its key was refused, and said so */
	pairs = grow(map->pairs, &f->cap, map->len, sizeof(*pairs));
	if (!pairs)
		goto out_oom;
	map->pairs = pairs;
	if (index_key(f, f->key, map->len))
		goto out_oom;
	pairs[map->len++] = (struct cfg_pair){ f->key, f->key_line, n };
	f->key = NULL;
	return;

out_oom:
	free(f->key);
	f->key = NULL;
	oom(p, line);
out_free_value:
	cfg_free(n);
}

/* Takes n as the next key of mapping f; a refused key drops its value. */
static void take_key(struct parser *p, struct frame *f, struct cfg_node *n)
{
	const struct cfg_pair *first;

	f->want_value = true;
	if (n->kind != CFG_SCALAR) {
		problem(p, n->line, "mapping keys must be scalars");
		goto out_free_key;
	}
	/* keys are C strings: "a\0b" would silently become "a" */
	if (strlen(n->text) != n->len) {
		problem(p, n->line, "mapping keys must not contain NUL bytes");
		goto out_free_key;
	}
	first = find_key(f, n->text);
	if (first) {
		problem(p, n->line, "duplicate key '%s' (first at line %u)",
			first->key, first->line);
		goto out_free_key;
	}
	f->key = n->text;
	f->key_line = n->line;
	n->text = NULL;
out_free_key:
	cfg_free(n);
}

static void set_root(struct parser *p, struct cfg_node *n)
{
	/* "---" alone, or only comments: an empty document */
	if (n->kind == CFG_SCALAR && !n->quoted && !n->len) {
		cfg_free(n);
		return;
	}
	cfg_free(p->root); /* NULL: the second document is refused */
	p->root = n;
}

/* Hands a finished node to the collection being built, or makes it root. */
static void attach(struct parser *p, struct cfg_node *n)
{
	struct frame *f;

	if (!p->depth) {
		set_root(p, n);
		return;
	}
	f = &p->stack[p->depth - 1];
	if (f->node->kind == CFG_SEQ)
		append_item(p, f, n);
	else if (f->want_value)
		append_pair(p, f, n);
	else
		take_key(p, f, n);
}

/* ---- events -------------------------------------------------------------- */

static bool is_quoted(yaml_scalar_style_t style)
{
	return style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	       style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
	       style == YAML_LITERAL_SCALAR_STYLE ||
	       style == YAML_FOLDED_SCALAR_STYLE;
}

static void on_event(struct parser *p, const yaml_event_t *ev)
{
	unsigned line = ev->start_mark.line + 1;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		p->stop = true;
		break;
	case YAML_DOCUMENT_START_EVENT:
		if (++p->docs > 1) {
			problem(p, line, "more than one document");
			p->stop = true;
		}
		break;
	case YAML_ALIAS_EVENT:
		/* refused so that a billion laughs cannot expand; read
		 * on as if it were empty to find further problems */
		problem(p, line, "aliases are not supported");
		add_scalar(p, line, "", 0, false);
		break;
	case YAML_SCALAR_EVENT:
		add_scalar(p, line, (const char *)ev->data.scalar.value,
			   ev->data.scalar.length,
			   is_quoted(ev->data.scalar.style));
		break;
	case YAML_SEQUENCE_START_EVENT:
		push(p, CFG_SEQ, line);
		break;
	case YAML_MAPPING_START_EVENT:
		push(p, CFG_MAP, line);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		pop(p);
		break;
	default:
		break;
	}
}

/* The line of byte offset off: the reader has no mark of its own. */
static unsigned line_at(const struct parser *p, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off && i < p->len; i++)
		line += p->buf[i] == '\n';
	return line;
}

static void syntax_error(struct parser *p)
{
	const yaml_parser_t *y = &p->yaml;
	const char *what = y->problem;
	unsigned line;

	if (y->error == YAML_MEMORY_ERROR) {
		oom(p, y->mark.line + 1);
		return;
	}
	if (y->error == YAML_READER_ERROR)
		line = line_at(p, y->problem_offset);
	else if (what)
		line = y->problem_mark.line + 1;
	else
		line = y->context_mark.line + 1;
	if (!what)
		what = y->context ? y->context : "invalid YAML";
	/* "did not find expected ']'" points at the end; say where it began. */
	if (y->problem && y->context && y->context_mark.line + 1 != line)
		problem(p, line, "%s (%s started at line %zu)", what,
			y->context + (strncmp(y->context, "while parsing ", 14) ?
					      0 : 14),
			y->context_mark.line + 1);
	else
		problem(p, line, "%s", what);
	p->stop = true;
}

static void read_events(struct parser *p)
{
	yaml_event_t ev;

	while (!p->stop) {
		if (!yaml_parser_parse(&p->yaml, &ev)) {
			syntax_error(p);
			return;
		}
		on_event(p, &ev);
		yaml_event_delete(&ev);
	}
}

/*
 * A UTF-8 byte order mark at the start is dropped: editors on other
 * systems write one, and libyaml, told the encoding, would take it for
 * content.  It holds no newline, so line numbers stay right.
 */
static void skip_bom(struct parser *p)
{
	if (p->len >= 3 && memcmp(p->buf, "\xef\xbb\xbf", 3) == 0) {
		p->buf += 3;
		p->len -= 3;
	}
}

int cfg_parse(const char *file, const char *buf, size_t len,
	      struct cfg_node **root, struct cfg_errs *errs)
{
	struct parser p = { .file = file, .buf = buf ? buf : "",
			    .len = buf ? len : 0, .errs = errs };

	*root = NULL;
	skip_bom(&p);
	if (p.len > CFG_MAX_BYTES) {
		problem(&p, 1, "file larger than %d bytes", CFG_MAX_BYTES);
		return -1;
	}
	if (!yaml_parser_initialize(&p.yaml)) {
		problem(&p, 1, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p.yaml, (const unsigned char *)p.buf,
				     p.len);
	yaml_parser_set_encoding(&p.yaml, YAML_UTF8_ENCODING);
	read_events(&p);
	yaml_parser_delete(&p.yaml);
	stack_free(&p);
	if (p.problems) {
		cfg_free(p.root);
		return -1;
	}
	*root = p.root;
	return 0;
}

/* ---- files --------------------------------------------------------------- */

/* Reads to end of file; size is what fstat said, but the file may grow. */
static int read_all(int fd, size_t size, char **buf, size_t *len)
{
	size_t cap = size + 2, n = 0; /* a NUL, and a byte to see growth */
	char *b, *nb;
	ssize_t r;

	b = malloc(cap);
	if (!b)
		return -1;
	for (;;) {
		if (n + 1 == cap) {
			if (n > CFG_MAX_BYTES) {
				errno = EFBIG;
				goto out_free_buf;
			}
			cap = cap > CFG_MAX_BYTES / 2 ? CFG_MAX_BYTES + 2
						      : cap * 2;
			nb = realloc(b, cap);
			if (!nb)
				goto out_free_buf;
			b = nb;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out_free_buf;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;

out_free_buf:
	free(b);
	return -1;
}

int cfg_read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd, saved;

	/* O_NONBLOCK: a FIFO put in the config directory must not hang
	 * the open; it is refused below as not a regular file */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out_close;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto out_close;
	}
	if (st.st_size > CFG_MAX_BYTES) {
		errno = EFBIG;
		goto out_close;
	}
	if (read_all(fd, (size_t)st.st_size, buf, len))
		goto out_close;
	close(fd);
	return 0;

out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* ---- queries ------------------------------------------------------------- */

bool cfg_equal(const struct cfg_node *a, const struct cfg_node *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->len != b->len)
		return false;
	if (a->kind == CFG_SCALAR)
		return memcmp(a->text, b->text, a->len) == 0;
	for (i = 0; i < a->len; i++) {
		if (a->kind == CFG_SEQ && !cfg_equal(a->items[i], b->items[i]))
			return false;
		if (a->kind == CFG_MAP &&
		    (strcmp(a->pairs[i].key, b->pairs[i].key) != 0 ||
		     !cfg_equal(a->pairs[i].value, b->pairs[i].value)))
			return false;
	}
	return true;
}

const struct cfg_node *cfg_get(const struct cfg_node *map, const char *key)
{
	size_t i;

	if (!map || !key || map->kind != CFG_MAP)
		return NULL;
	for (i = 0; i < map->len; i++)
		if (strcmp(map->pairs[i].key, key) == 0)
			return map->pairs[i].value;
	return NULL;
}

static bool is_scalar(const struct cfg_node *n)
{
	return n && n->kind == CFG_SCALAR;
}

static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 99;
}

/* Moves *s past a 0x or 0o prefix that has digits after it. */
static unsigned int_base(const char **s, const char *end)
{
	const char *t = *s;

	if (end - t <= 2 || t[0] != '0')
		return 10;
	if (t[1] == 'x' || t[1] == 'X') {
		*s += 2;
		return 16;
	}
	if (t[1] == 'o' || t[1] == 'O') {
		*s += 2;
		return 8;
	}
	return 10;
}

int cfg_as_int(const struct cfg_node *n, long long *out)
{
	unsigned long long v = 0, limit = LLONG_MAX;
	const char *s, *end;
	unsigned base, d;
	bool neg = false;

	if (!is_scalar(n))
		return -1;
	s = n->text;
	end = s + n->len;
	if (s < end && (*s == '+' || *s == '-'))
		neg = *s++ == '-';
	base = int_base(&s, end);
	if (s == end)
		return -1;
	limit += neg;
	for (; s < end; s++) {
		d = digit_value(*s);
		if (d >= base || v > (limit - d) / base)
			return -1;
		v = v * base + d;
	}
	if (!neg)
		*out = (long long)v;
	else
		*out = v == limit ? LLONG_MIN : -(long long)v;
	return 0;
}

int cfg_as_bool(const struct cfg_node *n, bool *out)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "true", true },   { "yes", true },  { "on", true },
		{ "false", false }, { "no", false },  { "off", false },
	};
	size_t i;

	if (!is_scalar(n) || strlen(n->text) != n->len)
		return -1;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(n->text, words[i].word) == 0) {
			*out = words[i].value;
			return 0;
		}
	}
	return -1;
}

enum { SECONDS_MAX = 1000000000 };

/*
 * "S[.F]" with decimal digits only, so that no float rounding, locale,
 * exponent, nan or inf can sneak in: milliseconds rounded half up.
 */
int cfg_as_seconds(const struct cfg_node *n, long long *ms)
{
	long long sec = 0, frac = 0;
	unsigned digits = 0, fdigits = 0, round = 0;
	bool tail = false; /* a non-zero digit past the first three */
	const char *s, *end;

	if (!is_scalar(n))
		return -1;
	s = n->text;
	end = s + n->len;
	for (; s < end && *s >= '0' && *s <= '9'; s++, digits++) {
		sec = sec * 10 + (*s - '0');
		if (sec > SECONDS_MAX)
			return -1;
	}
	if (s < end && *s == '.')
		for (s++; s < end && *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits < 3)
				frac = frac * 10 + (*s - '0');
			else if (fdigits == 3)
				round = *s >= '5';
			tail |= fdigits >= 3 && *s != '0';
		}
	if (s != end || digits + fdigits == 0)
		return -1;
	for (; fdigits < 3; fdigits++)
		frac *= 10;
	if (sec == SECONDS_MAX && (frac || tail))
		return -1;
	*ms = sec * 1000 + frac + round;
	return 0;
}
