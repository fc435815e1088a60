/*
 * cfg: YAML text -> a tree with a line number on every node.
 *
 * The only caller of yaml_* in the tree.  The parser is bounded: input
 * size, nesting depth and node count are capped, aliases are refused and
 * duplicate keys are reported, so a hostile file costs at most
 * CFG_MAX_BYTES of input and a proportional amount of memory.
 *
 * Problems are collected into a struct cfg_errs as FILE:LINE: message and
 * parsing goes on where libyaml lets it, so igor -t reports every problem.
 */
#ifndef IGOR_CFG_H
#define IGOR_CFG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum {
	CFG_MAX_BYTES = 1 << 20, /* a config file larger than this is refused */
	CFG_MAX_DEPTH = 32,      /* nesting of mappings and sequences */
	CFG_MAX_NODES = 100000,  /* scalars, sequences and mappings */
	CFG_ERR_MSG = 320,       /* bytes of one message, NUL included */
};

/* Problems reported from one cfg_parse before one more, "too many
 * problems", ends it: a file of aliases must not cost a message each. */
enum { CFG_MAX_ERRS = 100 };

enum cfg_kind { CFG_SCALAR, CFG_SEQ, CFG_MAP };

struct cfg_node;

/* One key: value pair of a mapping; key is a scalar's text. */
struct cfg_pair {
	char *key;
	unsigned line; /* of the key */
	struct cfg_node *value;
};

struct cfg_node {
	enum cfg_kind kind;
	unsigned line;  /* 1-based line where the node starts */
	bool quoted;    /* scalar written in quotes or as a block */
	char *text;     /* CFG_SCALAR: NUL-terminated text */
	size_t len;     /* CFG_SCALAR: bytes of text; CFG_SEQ/CFG_MAP: items */
	union {
		struct cfg_node **items; /* CFG_SEQ */
		struct cfg_pair *pairs;  /* CFG_MAP */
	};
};

struct cfg_err {
	char *file;   /* owned by the error list */
	unsigned line; /* 0: the file (a directory) as a whole */
	char msg[CFG_ERR_MSG];
};

/* Where e is, as problems are printed: "FILE:LINE", or "FILE" for a
 * problem of the file as a whole (line 0: a config directory that cannot
 * be read has no line).  Formatted into buf (cap bytes); returns buf. */
const char *cfg_err_where(const struct cfg_err *e, char *buf, size_t cap);

/* Room for cfg_err_where's "FILE:LINE" of a path of PATH_MAX bytes. */
enum { CFG_WHERE_MAX = 4096 + 16 };

/* A growing list of problems; zero-initialise, release with
 * cfg_errs_release. */
struct cfg_errs {
	struct cfg_err *v;
	size_t n, cap;
};

/*
 * Parses len bytes of YAML from buf; file is only used in messages.
 * On success *root is the document's root node (NULL for an empty
 * document), owned by the caller and freed with cfg_free; returns 0.
 * On any problem the problems are appended to errs, *root is NULL and
 * -1 is returned.  Problems: syntax errors (libyaml's, with its line),
 * aliases, duplicate keys ("duplicate key 'k' (first at line N)"),
 * non-scalar keys, more than one document, depth, node count and size
 * over the caps.
 */
int cfg_parse(const char *file, const char *buf, size_t len,
	      struct cfg_node **root, struct cfg_errs *errs);

/*
 * Reads a whole file (at most CFG_MAX_BYTES) into a NUL-terminated
 * buffer owned by the caller (free()).  Returns 0, or -1 with errno set
 * (EFBIG when over the cap).
 */
int cfg_read_file(const char *path, char **buf, size_t *len);

void cfg_free(struct cfg_node *node);

/* Deep equality of two trees, ignoring line numbers and quoting. */
bool cfg_equal(const struct cfg_node *a, const struct cfg_node *b);

/* The value of key in a mapping; NULL when absent or map is not a map. */
const struct cfg_node *cfg_get(const struct cfg_node *map, const char *key);

/* Scalar conversions: return 0 and store the value, or -1 when the node
 * is not a scalar of that type. */
int cfg_as_int(const struct cfg_node *n, long long *out);   /* 12, -3, 0x1f, 0o17 */
int cfg_as_bool(const struct cfg_node *n, bool *out);       /* YAML 1.1, any case */
int cfg_as_seconds(const struct cfg_node *n, long long *ms); /* "0.05" -> 50; >= 0 */

/* Appends one problem; fmt is printf's.  Keeps going when out of memory
 * (the message is then lost, never the process). */
void cfg_errs_add(struct cfg_errs *errs, const char *file, unsigned line,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cfg_errs_release(struct cfg_errs *errs);

#endif /* IGOR_CFG_H */
