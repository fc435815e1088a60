/*
 * fuzz_cfg: raw bytes into cfg_parse, then every igor_config_* accessor
 * on every node, as a plugin walking its config would.
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -Icommon -Iinclude \
 *	tests/fuzz/fuzz_cfg.c common/cfg.c worker/abi_config.c -lyaml
 *   ./a.out tests/fuzz/corpus_cfg
 */
#include "cfg.h"
#include "igor/plugin.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = { "name", "plugin", "paths", "a", "", NULL };

/* Keeps the compiler from dropping calls whose results are unused. */
static volatile size_t sink;

static void probe_keys(const igor_config *c)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		sink += igor_config_get(c, keys[i]) != NULL;
		sink += (size_t)igor_config_str(c, keys[i], NULL);
		sink += (size_t)igor_config_int(c, keys[i], 0);
		sink += igor_config_bool(c, keys[i], false);
	}
}

static void walk(const igor_config *c, unsigned depth)
{
	const struct cfg_node *n = (const struct cfg_node *)c;
	const char *v;
	size_t i, len;

	if (!c || depth > CFG_MAX_DEPTH + 1)
		return;
	probe_keys(c);
	v = igor_config_value(c);
	if (v)
		for (i = 0; i <= n->len; i++) /* reads through the NUL */
			sink += (unsigned char)v[i];
	len = igor_config_len(c);
	for (i = 0; i <= len; i++) /* one past the end must be NULL */
		walk(igor_config_at(c, i), depth + 1);
	if (n->kind == CFG_MAP)
		for (i = 0; i < n->len; i++)
			walk(igor_config_get(c, n->pairs[i].key), depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errs errs = { 0 };
	struct cfg_node *root;
	size_t i;

	if (cfg_parse("fuzz.conf", (const char *)data, size, &root, &errs) == 0)
		walk((const igor_config *)root, 0);
	for (i = 0; i < errs.n; i++)
		sink += errs.v[i].line + (unsigned char)errs.v[i].msg[0];
	cfg_free(root);
	cfg_errs_release(&errs);
	return 0;
}
