/*
 * abi_config_test: the igor_config_* accessors a plugin sees, on a
 * tree parsed by cfg_parse, including what a careless plugin may pass.
 */
#include "cfg.h"
#include "check.h"
#include "igor/plugin.h"

#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char conf[] = "name: demo\n"
			   "plugin: demo.so:start\n"
			   "count: 0x10\n"
			   "neg: -5\n"
			   "big: 99999999999999999999\n"
			   "flag: Yes\n"
			   "quiet: OFF\n"
			   "maybe: perhaps\n"
			   "empty:\n"
			   "quoted: ''\n"
			   "tilde: ~\n"
			   "paths:\n"
			   "  - /a\n"
			   "  - /b\n"
			   "  - [x]\n"
			   "sub:\n"
			   "  k: v\n"
			   "  n: 7\n";

static const igor_config *load(struct cfg_node **root)
{
	struct cfg_errs errs = { 0 };

	if (cfg_parse("abi.conf", conf, strlen(conf), root, &errs))
		*root = NULL;
	CHECK_INT(errs.n, 0, "config parses");
	cfg_errs_release(&errs);
	return (const igor_config *)*root;
}

static void test_str(const igor_config *c)
{
	static const struct {
		const char *key, *fallback, *want;
	} t[] = {
		{ "name", "fb", "demo" },
		{ "plugin", NULL, "demo.so:start" },
		{ "count", "fb", "0x10" },
		{ "empty", "fb", "" },
		{ "quoted", "fb", "" },
		{ "tilde", "fb", "~" },
		{ "paths", "fb", "fb" }, /* a sequence */
		{ "sub", "fb", "fb" },   /* a mapping */
		{ "absent", "fb", "fb" },
		{ "absent", NULL, NULL },
		{ NULL, "fb", "fb" },
		{ "", "fb", "fb" },
	};
	size_t i;

	for (i = 0; i < NELEM(t); i++)
		CHECK_STR(igor_config_str(c, t[i].key, t[i].fallback),
			  t[i].want,
			  "str '%s'", t[i].key ? t[i].key : "(null)");
}

static void test_int(const igor_config *c)
{
	static const struct {
		const char *key;
		long long fallback, want;
	} t[] = {
		{ "count", -1, 16 },
		{ "neg", 0, -5 },
		{ "big", 42, 42 },   /* overflows */
		{ "name", 42, 42 },  /* not a number */
		{ "empty", 42, 42 }, /* empty scalar */
		{ "paths", 42, 42 },
		{ "sub", 42, 42 },
		{ "absent", 42, 42 },
		{ NULL, 42, 42 },
	};
	const igor_config *sub = igor_config_get(c, "sub");
	size_t i;

	for (i = 0; i < NELEM(t); i++)
		CHECK_INT(igor_config_int(c, t[i].key, t[i].fallback),
			  t[i].want,
			  "int '%s'", t[i].key ? t[i].key : "(null)");
	CHECK_INT(igor_config_int(sub, "n", 0), 7, "int in a nested mapping");
}

static void test_bool(const igor_config *c)
{
	static const struct {
		const char *key;
		bool fallback, want;
	} t[] = {
		{ "flag", false, true },  { "quiet", true, false },
		{ "maybe", true, true },  { "maybe", false, false },
		{ "count", true, true },  { "empty", false, false },
		{ "paths", true, true },  { "absent", true, true },
		{ "absent", false, false }, { NULL, true, true },
	};
	size_t i;

	for (i = 0; i < NELEM(t); i++)
		CHECK_INT(igor_config_bool(c, t[i].key, t[i].fallback),
			  t[i].want, "bool '%s' (fallback %d)",
			  t[i].key ? t[i].key : "(null)", t[i].fallback);
}

static void test_seq(const igor_config *c)
{
	static const struct {
		size_t i;
		const char *want; /* NULL: no item or not a scalar */
		bool exists;
	} t[] = {
		{ 0, "/a", true }, { 1, "/b", true },
		{ 2, NULL, true }, { 3, NULL, false },
		{ 1000, NULL, false }, { (size_t)-1, NULL, false },
	};
	const igor_config *paths = igor_config_get(c, "paths"), *item;
	size_t i;

	CHECK_INT(igor_config_len(paths), 3, "len of paths");
	for (i = 0; i < NELEM(t); i++) {
		item = igor_config_at(paths, t[i].i);
		CHECK_INT(item != NULL, t[i].exists, "at %zu exists", t[i].i);
		CHECK_STR(igor_config_value(item), t[i].want, "value of at %zu",
			  t[i].i);
	}
	item = igor_config_at(paths, 2);
	CHECK_INT(igor_config_len(item), 1, "len of a nested sequence");
	CHECK_STR(igor_config_value(igor_config_at(item, 0)), "x",
		  "item of a nested sequence");
	CHECK_INT(igor_config_len(c), 0, "len of a mapping");
	CHECK_INT(igor_config_len(igor_config_get(c, "name")), 0,
		  "len of a scalar");
	CHECK(igor_config_at(c, 0) == NULL, "at of a mapping");
	CHECK(igor_config_at(igor_config_get(c, "name"), 0) == NULL,
	      "at of a scalar");
}

static void test_get(const igor_config *c)
{
	static const struct {
		const char *key, *value; /* value NULL: not a scalar */
		bool exists;
	} t[] = {
		{ "name", "demo", true }, { "empty", "", true },
		{ "sub", NULL, true },    { "paths", NULL, true },
		{ "absent", NULL, false }, { "Name", NULL, false },
		{ NULL, NULL, false },
	};
	const igor_config *v;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		v = igor_config_get(c, t[i].key);
		CHECK_INT(v != NULL, t[i].exists, "get '%s' exists",
			  t[i].key ? t[i].key : "(null)");
		CHECK_STR(igor_config_value(v), t[i].value, "value of '%s'",
			  t[i].key ? t[i].key : "(null)");
	}
	v = igor_config_get(c, "sub");
	CHECK_STR(igor_config_value(igor_config_get(v, "k")), "v",
		  "get in a nested mapping");
	CHECK(igor_config_get(igor_config_get(c, "name"), "x") == NULL,
	      "get on a scalar");
	CHECK(igor_config_get(igor_config_get(c, "paths"), "x") == NULL,
	      "get on a sequence");
	CHECK(igor_config_value(c) == NULL, "value of a mapping");
}

/* A plugin may pass NULL anywhere, e.g. an absent key's node. */
static void test_null(void)
{
	CHECK(igor_config_get(NULL, "k") == NULL, "NULL: get");
	CHECK(igor_config_get(NULL, NULL) == NULL, "NULL: get NULL key");
	CHECK_STR(igor_config_str(NULL, "k", "fb"), "fb", "NULL: str");
	CHECK_STR(igor_config_str(NULL, NULL, NULL), NULL, "NULL: str all");
	CHECK_INT(igor_config_int(NULL, "k", 9), 9, "NULL: int");
	CHECK_INT(igor_config_bool(NULL, "k", true), 1, "NULL: bool");
	CHECK_INT(igor_config_len(NULL), 0, "NULL: len");
	CHECK(igor_config_at(NULL, 0) == NULL, "NULL: at");
	CHECK(igor_config_value(NULL) == NULL, "NULL: value");
}

int main(void)
{
	struct cfg_node *root;
	const igor_config *c = load(&root);

	test_get(c);
	test_str(c);
	test_int(c);
	test_bool(c);
	test_seq(c);
	test_null();
	cfg_free(root);
	return check_done();
}
