/*
 * conf.c: loading and validating igor.conf and the plugin configs.
 */
#include "conf.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ids.h"
#include "log.h"
#include "plugname.h"
#include "trust.h"
#include "util.h"

/* ---- scalar checks, each naming the key and what it wants ---------------- */

static const struct cfg_node *scalar_of(const struct cfg_pair *p,
					const char *file, struct cfg_errs *errs,
					const char *wants)
{
	if (p->value && p->value->kind == CFG_SCALAR && p->value->len &&
	    strlen(p->value->text) == p->value->len)
		return p->value;
	cfg_errs_add(errs, file, p->line, "key '%s' must be %s", p->key, wants);
	return NULL;
}

static int get_string(const struct cfg_pair *p, const char *file,
		      struct cfg_errs *errs, char **out)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "a string");
	char *s;

	if (!n)
		return -1;
	s = strdup(n->text);
	if (!s) {
		cfg_errs_add(errs, file, p->line, "out of memory");
		return -1;
	}
	free(*out);
	*out = s;
	return 0;
}

static int get_seconds(const struct cfg_pair *p, const char *file,
		       struct cfg_errs *errs, int64_t *ms)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "a number of seconds");
	long long v;

	if (!n)
		return -1;
	if (cfg_as_seconds(n, &v) < 0) {
		cfg_errs_add(errs, file, p->line,
			     "key '%s' must be a number of seconds, not '%s'",
			     p->key, n->text);
		return -1;
	}
	*ms = v;
	return 0;
}

static int get_level(const struct cfg_pair *p, const char *file,
		     struct cfg_errs *errs, int *level)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "a level name");
	int v;

	if (!n)
		return -1;
	v = log_level_parse(n->text);
	if (v < 0) {
		cfg_errs_add(errs, file, p->line,
			     "key '%s' must be critical, error, warning, info or debug, not '%s'",
			     p->key, n->text);
		return -1;
	}
	*level = v;
	return 0;
}

/* log: and syslog_facility:, by name. */
static int get_log_dest(const struct cfg_pair *p, const char *file,
			struct cfg_errs *errs, enum log_dest *dest)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "a destination");
	int v;

	if (!n)
		return -1;
	v = log_dest_parse(n->text);
	if (v < 0) {
		cfg_errs_add(errs, file, p->line,
			     "key '%s' must be auto, stderr, journal or syslog, not '%s'",
			     p->key, n->text);
		return -1;
	}
	*dest = (enum log_dest)v;
	return 0;
}

static int get_facility(const struct cfg_pair *p, const char *file,
			struct cfg_errs *errs, int *facility)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "a facility name");
	int v;

	if (!n)
		return -1;
	v = rfc3164_facility_parse(n->text);
	if (v < 0) {
		cfg_errs_add(errs, file, p->line,
			     "key '%s' must be daemon, user or local0 to local7, not '%s'",
			     p->key, n->text);
		return -1;
	}
	*facility = v;
	return 0;
}

/* ---- igor.conf ----------------------------------------------------------- */

void main_conf_defaults(struct main_conf *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->log_level = -1;
	mc->log = LOG_DEST_AUTO;
	mc->syslog_facility = CONF_SYSLOG_FACILITY;
	mc->stop_timeout_ms = CONF_STOP_TIMEOUT_MS;
	mc->restart.delay_ms = 100;
	mc->restart.max_delay_ms = 30000;
	mc->restart.reset_after_ms = 60000;
}

void main_conf_release(struct main_conf *mc)
{
	free(mc->file);
	free(mc->config_dir);
	free(mc->socket);
	free(mc->socket_group);
	main_conf_defaults(mc);
}

static int load_restart(const struct cfg_pair *p, const char *file,
			struct restart_policy *rp, struct cfg_errs *errs,
			struct cfg_errs *warns)
{
	const struct cfg_node *m = p->value;
	size_t i;
	int ret = 0;

	if (!m || m->kind != CFG_MAP) {
		cfg_errs_add(errs, file, p->line,
			     "key 'restart' must be a mapping of delay, max_delay and reset_after");
		return -1;
	}
	for (i = 0; i < m->len; i++) {
		const struct cfg_pair *q = &m->pairs[i];

		if (strcmp(q->key, "delay") == 0)
			ret |= get_seconds(q, file, errs, &rp->delay_ms);
		else if (strcmp(q->key, "max_delay") == 0)
			ret |= get_seconds(q, file, errs, &rp->max_delay_ms);
		else if (strcmp(q->key, "reset_after") == 0)
			ret |= get_seconds(q, file, errs, &rp->reset_after_ms);
		else
			cfg_errs_add(warns, file, q->line,
				     "unknown key 'restart.%s'", q->key);
	}
	/* A zero delay would restart a crashing plugin in a tight loop. */
	if (!ret && rp->delay_ms < 1) {
		cfg_errs_add(errs, file, p->line,
			     "restart delay must be at least 0.001 seconds");
		ret = -1;
	}
	if (!ret && rp->delay_ms > rp->max_delay_ms) {
		cfg_errs_add(errs, file, p->line,
			     "restart delay is larger than max_delay");
		ret = -1;
	}
	return ret;
}

static int load_main_key(const struct cfg_pair *p, const char *file,
			 struct main_conf *mc, struct cfg_errs *errs,
			 struct cfg_errs *warns)
{
	if (strcmp(p->key, "config_dir") == 0)
		return get_string(p, file, errs, &mc->config_dir);
	if (strcmp(p->key, "socket") == 0)
		return get_string(p, file, errs, &mc->socket);
	if (strcmp(p->key, "socket_group") == 0)
		return get_string(p, file, errs, &mc->socket_group);
	if (strcmp(p->key, "log_level") == 0)
		return get_level(p, file, errs, &mc->log_level);
	if (strcmp(p->key, "log") == 0)
		return get_log_dest(p, file, errs, &mc->log);
	if (strcmp(p->key, "syslog_facility") == 0)
		return get_facility(p, file, errs, &mc->syslog_facility);
	if (strcmp(p->key, "stop_timeout") == 0)
		return get_seconds(p, file, errs, &mc->stop_timeout_ms);
	if (strcmp(p->key, "restart") == 0)
		return load_restart(p, file, &mc->restart, errs, warns);
	cfg_errs_add(warns, file, p->line, "unknown key '%s'", p->key);
	return 0;
}

int conf_load_main(const char *file, struct main_conf *mc,
		   struct cfg_errs *errs, struct cfg_errs *warns)
{
	struct cfg_node *root = NULL;
	size_t nerr = errs->n, i;
	char *buf = NULL;
	size_t len;
	int ret = 0;

	main_conf_defaults(mc);
	mc->file = strdup(file);
	if (cfg_read_file(file, &buf, &len) < 0) {
		if (errno == ENOENT)
			return 0;
		cfg_errs_add(errs, file, 1, "cannot read '%s': %s", file,
			     strerror(errno));
		return -1;
	}
	mc->found = true;
	if (cfg_parse(file, buf, len, &root, errs) < 0)
		goto out_broken;
	if (root && root->kind != CFG_MAP) {
		cfg_errs_add(errs, file, root->line,
			     "the main config must be a mapping");
		goto out_broken;
	}
	for (i = 0; root && i < root->len; i++)
		ret |= load_main_key(&root->pairs[i], file, mc, errs, warns);
	if (ret || errs->n > nerr)
		goto out_broken;
	cfg_free(root);
	free(buf);
	return 0;
out_broken:
	cfg_free(root);
	free(buf);
	free(mc->file);
	free(mc->config_dir);
	free(mc->socket);
	free(mc->socket_group);
	main_conf_defaults(mc);
	mc->file = strdup(file);
	mc->found = true;
	return -1;
}

/* ---- plugin configs ------------------------------------------------------ */

static bool is_identifier(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* "path[:symbol]" -> resolved path and symbol (both owned by pc). */
static int resolve_plugin(struct plugin_conf *pc, const char *spec,
			  const char *plugin_dir)
{
	char *path = strdup(spec), *colon, *dir = NULL;
	int ret = -1;

	if (!path)
		return -1;
	colon = strrchr(path, ':');
	if (colon && is_identifier(colon + 1)) {
		pc->symbol = strdup(colon + 1);
		*colon = '\0';
	} else {
		pc->symbol = strdup("setup");
	}
	dir = path_dir(pc->file);
	if (!pc->symbol || !dir)
		goto out;
	if (path[0] == '/')
		pc->plugin = strdup(path);
	else
		pc->plugin = path_join(dir, path);
	/* A bare name not beside the config comes from the plugin dir. */
	if (pc->plugin && !strchr(path, '/') && access(pc->plugin, F_OK) < 0) {
		pc->plugin_tried = pc->plugin;
		pc->plugin = path_join(plugin_dir, path);
	}
	ret = pc->plugin ? 0 : -1;
out:
	free(dir);
	free(path);
	return ret;
}

bool conf_explain_missing(const struct plugin_conf *pc, char *msg,
			  size_t cap)
{
	if (!pc->plugin_tried || access(pc->plugin, F_OK) == 0 ||
	    errno != ENOENT)
		return false;
	snprintf(msg, cap,
		 "cannot load plugin '%s': no such file beside its config ('%s') nor in the plugin directory ('%s')",
		 strrchr(pc->plugin, '/') ? strrchr(pc->plugin, '/') + 1 : pc->plugin,
		 pc->plugin_tried, pc->plugin);
	return true;
}

static int check_account(const struct cfg_pair *p, const char *file,
			 struct cfg_errs *errs)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "a user or group name");
	bool user = strcmp(p->key, "user") == 0;
	id_t id;

	if (!n)
		return -1;
	if (user ? getpwnam(n->text) != NULL : getgrnam(n->text) != NULL)
		return 0;
	if (ids_parse(n->text, &id) == 0)
		return 0; /* a numeric id needs no entry */
	cfg_errs_add(errs, file, p->line, "unknown %s '%s'", p->key, n->text);
	return -1;
}

/*
 * A numeric user: without a passwd entry has no primary group to drop to:
 * group: must name one.  Said at the user: line.
 */
static int check_user_has_group(const struct cfg_node *root, const char *file,
				struct cfg_errs *errs)
{
	const struct cfg_pair *p = NULL;
	id_t uid;
	size_t i;

	for (i = 0; i < root->len && !p; i++)
		if (strcmp(root->pairs[i].key, "user") == 0)
			p = &root->pairs[i];
	/* A user: that is no scalar was reported by check_account. */
	if (!p || cfg_get(root, "group") || p->value->kind != CFG_SCALAR ||
	    strlen(p->value->text) != p->value->len ||
	    getpwnam(p->value->text) || ids_parse(p->value->text, &uid) < 0 ||
	    getpwuid((uid_t)uid))
		return 0;
	cfg_errs_add(errs, file, p->line,
		     "user '%s' has no passwd entry: set 'group' too",
		     p->value->text);
	return -1;
}

/* descendants: kill (the default) or keep; see igor(8), Processes. */
static int get_descendants(const struct cfg_pair *p, const char *file,
			   struct cfg_errs *errs, bool *keep)
{
	const struct cfg_node *n = scalar_of(p, file, errs, "kill or keep");

	if (n && (strcmp(n->text, "kill") == 0 || strcmp(n->text, "keep") == 0)) {
		*keep = strcmp(n->text, "keep") == 0;
		return 0;
	}
	if (n)
		cfg_errs_add(errs, file, p->line,
			     "key 'descendants' must be kill or keep, not '%s'",
			     n->text);
	return -1;
}

static int check_plugin_key(struct plugin_conf *pc, const struct cfg_pair *p,
			    const char *plugin_dir, struct cfg_errs *errs)
{
	const char *file = pc->file;
	const struct cfg_node *n;
	bool b;

	if (strcmp(p->key, "name") == 0) {
		if (get_string(p, file, errs, &pc->name) < 0)
			return -1;
		if (plugname_is_valid(pc->name, strlen(pc->name)))
			return 0;
		cfg_errs_add(errs, file, p->line,
			     "invalid name '%s': use at most %d letters, digits, '.', '_' and '-', not starting with '-'",
			     pc->name, PLUGNAME_MAX);
		return -1;
	}
	if (strcmp(p->key, "plugin") == 0) {
		pc->plugin_line = p->line;
		n = scalar_of(p, file, errs, "a plugin file, as path/to/plugin.so[:symbol]");
		if (!n)
			return -1;
		if (resolve_plugin(pc, n->text, plugin_dir) == 0)
			return 0;
		cfg_errs_add(errs, file, p->line, "out of memory");
		return -1;
	}
	if (strcmp(p->key, "user") == 0 || strcmp(p->key, "group") == 0)
		return check_account(p, file, errs);
	if (strcmp(p->key, "no_new_privs") == 0) {
		n = scalar_of(p, file, errs, "true or false");
		if (n && cfg_as_bool(n, &b) == 0)
			return 0;
		if (n)
			cfg_errs_add(errs, file, p->line,
				     "key 'no_new_privs' must be true or false, not '%s'",
				     n->text);
		return -1;
	}
	if (strcmp(p->key, "log_level") == 0)
		return get_level(p, file, errs, &pc->log_level);
	if (strcmp(p->key, "descendants") == 0)
		return get_descendants(p, file, errs, &pc->keep_descendants);
	if (strcmp(p->key, "watchdog") == 0) {
		if (get_seconds(p, file, errs, &pc->watchdog_ms) < 0)
			return -1;
		if (pc->watchdog_ms > 0)
			return 0;
		cfg_errs_add(errs, file, p->line,
			     "key 'watchdog' must be more than 0 seconds");
		return -1;
	}
	return 0; /* every other key is the plugin's */
}

void plugin_conf_free(struct plugin_conf *pc)
{
	if (!pc)
		return;
	free(pc->file);
	free(pc->name);
	free(pc->plugin);
	free(pc->plugin_tried);
	free(pc->symbol);
	free(pc->bytes);
	cfg_free(pc->tree);
	free(pc);
}

static int validate_plugin(struct plugin_conf *pc, const char *plugin_dir,
			   struct cfg_errs *errs)
{
	const struct cfg_node *root = pc->tree;
	size_t i;
	int ret = 0;

	if (!root || root->kind != CFG_MAP) {
		cfg_errs_add(errs, pc->file, root ? root->line : 1,
			     "a plugin config must be a mapping with 'name' and 'plugin'");
		return -1;
	}
	pc->line = root->line;
	for (i = 0; i < root->len; i++)
		ret |= check_plugin_key(pc, &root->pairs[i], plugin_dir, errs);
	ret |= check_user_has_group(root, pc->file, errs);
	if (!cfg_get(root, "name")) {
		cfg_errs_add(errs, pc->file, root->line, "missing key 'name'");
		ret = -1;
	}
	if (!cfg_get(root, "plugin")) {
		cfg_errs_add(errs, pc->file, root->line, "missing key 'plugin'");
		ret = -1;
	}
	return ret;
}

/* Loads one file; NULL when it has a problem (then in errs). */
static struct plugin_conf *load_plugin(const char *file, const char *plugin_dir,
				       struct cfg_errs *errs)
{
	struct plugin_conf *pc = calloc(1, sizeof(*pc));
	struct why why;

	if (!pc || !(pc->file = strdup(file))) {
		cfg_errs_add(errs, file, 1, "out of memory");
		goto out_free;
	}
	if (cfg_read_file(file, &pc->bytes, &pc->len) < 0) {
		cfg_errs_add(errs, file, 1, "cannot read '%s': %s", file,
			     strerror(errno));
		goto out_free;
	}
	/* As root, a config anyone else could change would hand them root. */
	if (trust_is_required(0) && trust_check(file, &why) < 0) {
		cfg_errs_add(errs, file, 1, "%s", why.msg);
		goto out_free;
	}
	if (cfg_parse(file, pc->bytes, pc->len, &pc->tree, errs) < 0)
		goto out_free;
	if (validate_plugin(pc, plugin_dir, errs) < 0)
		goto out_free;
	return pc;
out_free:
	plugin_conf_free(pc);
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf names of dir, sorted, except dotfiles and igor.conf. */
static char **list_configs(const char *dir, size_t *n, struct cfg_errs *errs)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, **nv;
	size_t len, cap = 0;

	*n = 0;
	if (!d) {
		cfg_errs_add(errs, dir, 0, "cannot read config directory: %s",
			     strerror(errno));
		return NULL;
	}
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 ||
		    strcmp(de->d_name + len - 5, ".conf") != 0 ||
		    strcmp(de->d_name, "igor.conf") == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	if (!v)
		v = calloc(1, sizeof(*v));
	return v;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!a || !b || stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void add_broken(struct plugin_set *set, const char *file)
{
	char **nv = realloc(set->broken, (set->nbroken + 1) * sizeof(*nv));

	if (!nv)
		return;
	set->broken = nv;
	if ((nv[set->nbroken] = strdup(file)))
		set->nbroken++;
}

static const struct plugin_conf *find_name(const struct plugin_set *set,
					   const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}

/* Adds pc to the set unless its name is taken (then reported). */
static void add_plugin(struct plugin_set *set, struct plugin_conf *pc,
		       struct cfg_errs *errs)
{
	const struct plugin_conf *first = find_name(set, pc->name);
	struct plugin_conf **nv;

	if (first) {
		const struct cfg_node *n = cfg_get(pc->tree, "name");

		cfg_errs_add(errs, pc->file, n ? n->line : pc->line,
			     "duplicate name '%s': already used by '%s'",
			     pc->name, first->file);
		goto out_broken;
	}
	nv = realloc(set->v, (set->n + 1) * sizeof(*nv));
	if (!nv)
		goto out_broken;
	set->v = nv;
	set->v[set->n++] = pc;
	return;
out_broken:
	add_broken(set, pc->file);
	plugin_conf_free(pc);
}

int conf_load_plugins(const char *dir, const char *main_file,
		      const char *plugin_dir, struct plugin_set *set,
		      struct cfg_errs *errs)
{
	struct plugin_conf *pc;
	size_t n, i;
	char **names = list_configs(dir, &n, errs);
	char *file;

	memset(set, 0, sizeof(*set));
	if (!names)
		return -1;
	for (i = 0; i < n; i++) {
		file = path_join(dir, names[i]);
		if (file && !same_file(file, main_file)) {
			pc = load_plugin(file, plugin_dir, errs);
			if (pc)
				add_plugin(set, pc, errs);
			else
				add_broken(set, file);
		}
		free(file);
		free(names[i]);
	}
	free(names);
	return 0;
}

void plugin_set_release(struct plugin_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		plugin_conf_free(set->v[i]);
	for (i = 0; i < set->nbroken; i++)
		free(set->broken[i]);
	free(set->v);
	free(set->broken);
	memset(set, 0, sizeof(*set));
}

bool plugin_set_is_broken(const struct plugin_set *set, const char *file)
{
	size_t i;

	for (i = 0; i < set->nbroken; i++)
		if (strcmp(set->broken[i], file) == 0)
			return true;
	return false;
}

bool plugin_conf_equal(const struct plugin_conf *a, const struct plugin_conf *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       strcmp(a->file, b->file) == 0 &&
	       strcmp(a->plugin, b->plugin) == 0 &&
	       strcmp(a->symbol, b->symbol) == 0 && cfg_equal(a->tree, b->tree);
}
