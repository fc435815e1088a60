/*
 * opt_test: command line, environment, main config, default -- in that
 * order, for every setting.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "opt.h"

/* A fake environment: NAME=VALUE strings. */
static const char *fake_env[8];

static const char *env_get(const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; fake_env[i]; i++)
		if (strncmp(fake_env[i], name, len) == 0 && fake_env[i][len] == '=')
			return fake_env[i] + len + 1;
	return NULL;
}

static void set_env(const char *a, const char *b, const char *c)
{
	memset(fake_env, 0, sizeof(fake_env));
	fake_env[0] = a, fake_env[1] = a ? b : NULL, fake_env[2] = b ? c : NULL;
}

static void check_main_file(void)
{
	struct opts o = { 0 };
	char *f;

	set_env(NULL, NULL, NULL);
	f = opt_main_file(&o, env_get);
	CHECK_STR(f, "/etc/igor/igor.conf", "default main config");
	free(f);
	set_env("IGOR_CONFIG_DIR=/d", NULL, NULL);
	f = opt_main_file(&o, env_get);
	CHECK_STR(f, "/d/igor.conf", "main config follows IGOR_CONFIG_DIR");
	free(f);
	set_env("IGOR_CONFIG_DIR=/d", "IGOR_CONFIG=/e.conf", NULL);
	f = opt_main_file(&o, env_get);
	CHECK_STR(f, "/e.conf", "IGOR_CONFIG beats IGOR_CONFIG_DIR");
	free(f);
	o.config = "/c.conf";
	f = opt_main_file(&o, env_get);
	CHECK_STR(f, "/c.conf", "-c beats IGOR_CONFIG");
	free(f);
}

static void check_resolve(void)
{
	struct opts o = { 0 };
	struct main_conf mc;
	struct layout lay = { (char *)"/build", true };
	struct settings s;

	main_conf_defaults(&mc);
	set_env(NULL, NULL, NULL);
	opt_resolve(&o, env_get, &mc, &lay, &s);
	CHECK_STR(s.config_dir, "/etc/igor", "default config dir");
	CHECK_STR(s.plugin_dir, "/build/plugins", "build tree plugin dir");
	CHECK_STR(s.worker, "/build/igor-worker", "build tree worker");
	CHECK_INT(s.log_level, LOG_LVL_CRITICAL, "default level");
	settings_release(&s);

	mc.config_dir = (char *)"/conf-dir";
	mc.socket = (char *)"/conf.sock";
	mc.log_level = LOG_LVL_INFO;
	opt_resolve(&o, env_get, &mc, &lay, &s);
	CHECK_STR(s.config_dir, "/conf-dir", "config_dir from igor.conf");
	CHECK_STR(s.socket, "/conf.sock", "socket from igor.conf");
	CHECK_INT(s.log_level, LOG_LVL_INFO, "log_level from igor.conf");
	settings_release(&s);

	set_env("IGOR_CONFIG_DIR=/env-dir", "IGOR_SOCKET=/env.sock",
		"IGOR_PLUGIN_DIR=/env-plugins");
	o.verbose = 2;
	opt_resolve(&o, env_get, &mc, NULL, &s);
	CHECK_STR(s.config_dir, "/env-dir", "IGOR_CONFIG_DIR beats config_dir");
	CHECK_STR(s.socket, "/env.sock", "IGOR_SOCKET beats socket:");
	CHECK_STR(s.plugin_dir, "/env-plugins", "IGOR_PLUGIN_DIR beats default");
	CHECK_INT(s.log_level, LOG_LVL_WARNING, "-vv beats log_level:");
	settings_release(&s);

	o.socket = "/cli.sock";
	opt_resolve(&o, env_get, &mc, NULL, &s);
	CHECK_STR(s.socket, "/cli.sock", "-s beats IGOR_SOCKET");
	CHECK_STR(s.worker, IGOR_LIBEXECDIR "/igor-worker", "installed worker");
	settings_release(&s);
}

static void check_parse(void)
{
	static const struct {
		const char *argv[6];
		int ret, verbose, check, env;
	} t[] = {
		{ { "igor", NULL }, 0, 0, 0, 0 },
		{ { "igor", "-vvv", NULL }, 0, 3, 0, 0 },
		{ { "igor", "-v", "-v", "--check", NULL }, 0, 2, 1, 0 },
		{ { "igor", "-t", "--env", NULL }, 0, 0, 1, 1 },
		{ { "igor", "-c", NULL }, -1, 0, 0, 0 },
		{ { "igor", "--nope", NULL }, -1, 0, 0, 0 },
		{ { "igor", "extra", NULL }, -1, 0, 0, 0 },
	};
	struct opts o;
	size_t i;
	int argc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (argc = 0; t[i].argv[argc]; argc++)
			;
		CHECK_INT(opt_parse(argc, (char **)t[i].argv, &o), t[i].ret,
			  "parse row %zu", i);
		if (t[i].ret)
			continue;
		CHECK_INT(o.verbose, t[i].verbose, "row %zu verbosity", i);
		CHECK_INT(o.check, t[i].check, "row %zu check", i);
		CHECK_INT(o.env, t[i].env, "row %zu env", i);
	}
}

int main(void)
{
	check_main_file();
	check_resolve();
	fclose(stderr); /* the usage errors opt_parse prints are expected */
	check_parse();
	return check_done();
}
