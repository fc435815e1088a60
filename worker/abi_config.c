/*
 * abi_config.c: the igor_config_* functions of <igor/plugin.h>.
 *
 * A plugin sees a struct cfg_node only as the incomplete type
 * igor_config, so the tree can change without breaking the ABI.  Every
 * function takes whatever a plugin passes, NULL included, and answers
 * with its documented fallback rather than crash the worker.
 */
#include "igor/plugin.h"
#include "cfg.h"

static inline const struct cfg_node *node_of(const igor_config *c)
{
	return (const struct cfg_node *)c;
}

static inline const igor_config *config_of(const struct cfg_node *n)
{
	return (const igor_config *)n;
}

const igor_config *igor_config_get(const igor_config *map, const char *key)
{
	return config_of(cfg_get(node_of(map), key));
}

const char *igor_config_str(const igor_config *map, const char *key,
			    const char *fallback)
{
	const struct cfg_node *v = cfg_get(node_of(map), key);

	return v && v->kind == CFG_SCALAR ? v->text : fallback;
}

long long igor_config_int(const igor_config *map, const char *key,
			  long long fallback)
{
	long long v;

	if (cfg_as_int(cfg_get(node_of(map), key), &v))
		return fallback;
	return v;
}

bool igor_config_bool(const igor_config *map, const char *key, bool fallback)
{
	bool v;

	if (cfg_as_bool(cfg_get(node_of(map), key), &v))
		return fallback;
	return v;
}

size_t igor_config_len(const igor_config *seq)
{
	const struct cfg_node *n = node_of(seq);

	return n && n->kind == CFG_SEQ ? n->len : 0;
}

const igor_config *igor_config_at(const igor_config *seq, size_t i)
{
	const struct cfg_node *n = node_of(seq);

	if (!n || n->kind != CFG_SEQ || i >= n->len)
		return NULL;
	return config_of(n->items[i]);
}

const char *igor_config_value(const igor_config *scalar)
{
	const struct cfg_node *n = node_of(scalar);

	return n && n->kind == CFG_SCALAR ? n->text : NULL;
}
