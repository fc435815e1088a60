/*
 * cmd.c: see cmd.h.
 */
#include "cmd.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int cmd_seconds(const igor_config *conf, const char *key, long long def_ms,
		long long *ms, igor_logger *log)
{
	const igor_config *node = igor_config_get(conf, key);
	const char *text = node ? igor_config_value(node) : NULL;
	char *end;
	double s;

	*ms = def_ms;
	if (!node)
		return 0;
	errno = 0;
	/* Digits and a point only, as igor's own durations: no sign, hex,
	 * exponent or spaces that strtod would take. */
	s = text && text[strspn(text, "0123456789.")] == '\0' ?
		    strtod(text, &end) : -1;
	if (!text || s < 0 || end == text || *end || errno || !isfinite(s) ||
	    s > 1e9) {
		igor_error(log, "'%s' must be a number of seconds, not '%s'", key,
			   text ? text : "(a list or mapping)");
		return -1;
	}
	*ms = (long long)(s * 1000 + 0.5);
	return 0;
}

int cmd_check_argv(const igor_config *conf, const char *key, bool required,
		   igor_logger *log)
{
	const igor_config *seq = igor_config_get(conf, key);
	size_t i, n = igor_config_len(seq);

	if (!seq && !required)
		return 0;
	if (!n) {
		igor_error(log, "'%s' must be a list: the command and its arguments (no shell)",
			   key);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!igor_config_value(igor_config_at(seq, i))) {
			igor_error(log, "'%s': item %zu is not a string", key,
				   i + 1);
			return -1;
		}
	}
	return 0;
}

/* The value of the placeholder at s ("{name}..."), setting *skip to its
 * length; NULL when s does not start one of vars. */
static const char *placeholder(const char *s, const struct cmd_var *vars,
			       size_t n, size_t *skip)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(vars[i].name);
		if (s[0] == '{' && strncmp(s + 1, vars[i].name, len) == 0 &&
		    s[len + 1] == '}') {
			*skip = len + 2;
			return vars[i].value ? vars[i].value : "";
		}
	}
	return NULL;
}

/* One argument with its placeholders expanded; owned by the caller. */
static char *expand_one(const char *tmpl, const struct cmd_var *vars,
			size_t n)
{
	char *buf = NULL;
	size_t len = 0, skip;
	const char *val;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	while (*tmpl) {
		val = placeholder(tmpl, vars, n, &skip);
		if (val) {
			fputs(val, f);
			tmpl += skip;
		} else {
			fputc(*tmpl++, f);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char **cmd_expand(const igor_config *seq, const struct cmd_var *vars,
		  size_t n)
{
	size_t i, len = igor_config_len(seq);
	char **argv = calloc(len + 1, sizeof(*argv));
	const char *tmpl;

	if (!argv)
		return NULL;
	for (i = 0; i < len; i++) {
		tmpl = igor_config_value(igor_config_at(seq, i));
		argv[i] = expand_one(tmpl ? tmpl : "", vars, n);
		if (!argv[i]) {
			cmd_free(argv);
			return NULL;
		}
	}
	return argv;
}

void cmd_free(char **strv)
{
	char **p;

	if (!strv)
		return;
	for (p = strv; *p; p++)
		free(*p);
	free(strv);
}

char **cmd_strv(const char *const *strs, size_t n)
{
	char **v = calloc(n + 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = strdup(strs[i]);
		if (!v[i]) {
			cmd_free(v);
			return NULL;
		}
	}
	return v;
}

const char *cmd_status(int status, char *buf, size_t len)
{
	const char *sig;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		sig = sigabbrev_np(WTERMSIG(status));
		if (sig)
			snprintf(buf, len, "killed by SIG%s", sig);
		else
			snprintf(buf, len, "killed by signal %d",
				 WTERMSIG(status));
	} else {
		snprintf(buf, len, "ended with status 0x%x", status);
	}
	return buf;
}

const char *cmd_status_short(int status, char *buf, size_t len)
{
	const char *sig;

	if (WIFEXITED(status)) {
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		sig = sigabbrev_np(WTERMSIG(status));
		if (sig)
			snprintf(buf, len, "signal %s", sig);
		else
			snprintf(buf, len, "signal %d", WTERMSIG(status));
	} else {
		snprintf(buf, len, "status 0x%x", status);
	}
	return buf;
}

static void put_word(FILE *f, const char *w)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789@%+=:,./_-";

	if (*w && w[strspn(w, plain)] == '\0') {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}

char *cmd_join(const char *const *argv)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		put_word(f, argv[i]);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
