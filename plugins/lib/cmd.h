/*
 * cmd: what exec.so and containers.so share about commands: durations and
 * argv lists from the config, {placeholder} expansion, and the words for
 * how a command ended.  Compiled into each plugin (plugins see only the
 * public header).
 */
#ifndef IGOR_PLUGINS_CMD_H
#define IGOR_PLUGINS_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "igor/plugin.h"

/* One placeholder: "{name}" in an argument becomes value. */
struct cmd_var {
	const char *name;
	const char *value;
};

/*
 * Reads key as seconds (a decimal number, "0.05" allowed) into *ms;
 * def_ms when absent.  Logs and returns -1 when it is not a number >= 0.
 */
int cmd_seconds(const igor_config *conf, const char *key, long long def_ms,
		long long *ms, igor_logger *log);

/*
 * Checks that key is a non-empty list of strings (an argv); logs and
 * returns -1 otherwise.  Absent is fine unless required.
 */
int cmd_check_argv(const igor_config *conf, const char *key, bool required,
		   igor_logger *log);

/*
 * Expands every {NAME} of vars (n of them) inside each string of the argv
 * list seq; other braces are kept as they are.  Returns a NULL-terminated
 * array owned by the caller (cmd_free), or NULL when out of memory.
 */
char **cmd_expand(const igor_config *seq, const struct cmd_var *vars,
		  size_t n);

/* Frees an array of cmd_expand or cmd_strv; NULL is ignored. */
void cmd_free(char **strv);

/* A NULL-terminated copy of strs[0..n), owned by the caller (cmd_free);
 * NULL when out of memory. */
char **cmd_strv(const char *const *strs, size_t n);

/* "exited 3", "killed by SIGTERM": how a waitpid status ended, in buf. */
const char *cmd_status(int status, char *buf, size_t len);

/* "exit 3", "signal TERM": the same, in igorctl's words, in buf. */
const char *cmd_status_short(int status, char *buf, size_t len);

/*
 * argv as one line a shell would split back into the same words: each
 * word that holds anything but letters, digits and "@%+=:,./_-" is put
 * in single quotes (an empty word is ''), a quote inside as '\''.
 * Control characters are kept: the log escapes them.  Owned by the
 * caller (free()); NULL when out of memory.
 */
char *cmd_join(const char *const *argv);

#endif /* IGOR_PLUGINS_CMD_H */
