#!/bin/bash
# The documentation against the code (git's t0450): mandoc lint, --help
# against each man page's SYNOPSIS, every record type, ABI function, option,
# variable and config key documented, the ABI's ownership sentences repeated
# word for word, and the example plugins of igor-plugin(3) and README built
# and run for real.
. "$(dirname "$0")/lib.sh"

TOP=$IGOR_TOP
MAN=$TOP/man
HEADER=$TOP/include/igor/plugin.h
: "${CC:=cc}"

have_mandoc() {
	command -v mandoc >/dev/null 2>&1
}

# A page rendered as plain text on long lines: no overstrike, no wrapping.
render() {
	mandoc -T ascii -O width=1000 "$1" 2>/dev/null | sed 's/.\x08//g'
}

# mandoc -T lint, minus what depends on the system rather than the page:
# a cross-reference to a page that is not installed here, as long as the
# reference to one of ours names a page that exists in man/.
lint_problems() {
	mandoc -T lint "$1" 2>&1 | while IFS= read -r line; do
		case $line in
		*"outdated mandoc.db"*) continue ;;
		*"referenced manual not found: Xr "*)
			ref=${line##*Xr }
			ref=${ref% (*}
			set -- $ref
			case $1 in
			igor*)
				[ -e "$MAN/$1.$2" ] && continue ;;
			*) continue ;;
			esac ;;
		esac
		printf '%s\n' "$line"
	done
}

# The usage forms of `PROG --help`: the "usage:" line and the indented
# lines that follow it, one form a line.
help_forms() {
	"$1" --help | awk '
		NR == 1 && sub(/^usage: /, "") { print; more = 1; next }
		more && /^[ \t]+[^ \t]/ { sub(/^[ \t]+/, ""); print; next }
		{ exit }' | tr -s ' '
}

# help_forms, with each "[-x]" spelt "[-x | --long]" where the option
# list of --help gives "-x, --long": SPEC's usage line is short, the
# SYNOPSIS names the long form too.
help_forms_long() {
	local forms short long
	forms=$(help_forms "$1")
	while read -r short long; do
		forms=${forms//"[$short]"/"[$short | $long]"}
	done < <("$1" --help | sed -n 's/^  \(-[a-zA-Z]\), \(--[-a-z]*\) .*/\1 \2/p')
	printf '%s\n' "$forms"
}

# The forms of a page's SYNOPSIS: a line starting with NAME starts a form,
# any other line continues the one before.
man_forms() {
	render "$1" | awk -v name="$2" '
		/^SYNOPSIS/ { on = 1; next }
		on && /^[^ \t]/ { exit }
		on && NF {
			sub(/^[ \t]+/, "")
			if ($1 == name) { if (form != "") print form; form = $0 }
			else form = form " " $0
		}
		END { if (form != "") print form }' | tr -s ' '
}

# Names declared in <igor/plugin.h>: functions, then function-like macros.
header_functions() {
	grep -v '^typedef' "$HEADER" |
		sed -n 's/^[a-z][a-z_ ]*[ *]\(igor_[a-z0-9_]*\)(.*/\1/p'
}

header_macros() {
	sed -n 's/^#define \(igor_[a-z0-9_]*\)(.*/\1/p' "$HEADER"
}

exported_symbols() {
	sed -n 's/^[[:space:]]*\(igor_[a-z0-9_]*\);.*/\1/p' "$TOP/worker/exports.list"
}

rec_types() {
	sed -n '/^enum rec_type {/,/^};/p' "$TOP/common/rec.h" |
		grep -o 'REC_[A-Z0-9_]*' | sort -u
}

# The header's comments split into sentences, one a line, whitespace
# squeezed; a sentence ends with a period and two spaces or a line end.
header_sentences() {
	awk '
	function add(text) {
		sub(/^[ \t]*\*?[ \t]*/, "", text)
		sub(/[ \t]+$/, "", text)
		if (text ~ /\.$/) text = text "  "
		buf = buf " " text
	}
	{
		line = $0
		while (line != "") {
			if (!inc) {
				i = index(line, "/*")
				if (!i) break
				line = substr(line, i + 2); inc = 1; buf = ""
			}
			j = index(line, "*/")
			if (j) {
				add(substr(line, 1, j - 1)); inc = 0
				gsub(/\.  +/, ".\n", buf); print buf
				line = substr(line, j + 2)
			} else {
				add(line); line = ""
			}
		}
	}' "$HEADER" | sed 's/^[ \t]*//; s/[ \t]*$//' | tr -s ' \t' '  ' | grep -v '^$'
}

# The main config's keys and literal defaults, "KEY VALUE" a line
# (restart's keys as restart.KEY), from a rendered page: the items of the
# section from the line matching $2 to the next heading at its level or
# above.  A default that is not a literal (a number, a path, a quoted or
# bare word: not "see ..." or "igor's own group") is left out.
page_defaults() {
	render "$1" | python3 -c '
import re, sys
start, lines = re.compile(sys.argv[1]), sys.stdin.read().split("\n")
on, key, parent, out = False, None, None, []
for line in lines:
    if not on:
        on = bool(start.match(line))
        continue
    if re.match(r"^ {0,3}\S", line):
        break
    m = re.match(r"^( +)([a-z_]+):( [A-Z]+.*)?$", line)
    if m:
        depth = len(m.group(1))
        if depth <= 5:
            parent = m.group(2)
        key = m.group(2) if depth <= 5 else parent + "." + m.group(2)
        continue
    d = re.search(r"Default: `?([^ ]+?)\x27?\.?( |$)", line)
    if key and d and re.match(r"[0-9/a-z]", d.group(1)) and \
       d.group(1) not in ("see", "none,", "igor\x27s", "no", "the"):
        out.append(key + " " + d.group(1))
        key = None
print("\n".join(out))
' "$2"
}

# The keys of etc/igor.conf, commented out, with their values, as
# page_defaults prints them.
example_defaults() {
	sed -n 's/^#\([a-z_]*\): *\([^ #]*\).*/\1 \2/p; s/^#  \([a-z_]*\): *\([^ #]*\).*/restart.\1 \2/p' \
		"$TOP/etc/igor.conf" | grep -v " $"
}

# ---- lint ----------------------------------------------------------------

pages=$(ls "$MAN"/*.[1-8] 2>/dev/null)

test_expect_success 'man/ holds igor(8), igor-plugin(3) and igor-protocol(7)' '
	test -f "$MAN/igor.8" && test -f "$MAN/igor-plugin.3" &&
	test -f "$MAN/igor-protocol.7"
'

for page in $pages; do
	if ! have_mandoc; then
		test_skip "${page#$TOP/} is clean under mandoc -T lint" "mandoc is not installed"
		continue
	fi
	test_expect_success "${page#$TOP/} is clean under mandoc -T lint" '
		lint_problems "$page" >"$T/lint" &&
		cat "$T/lint" && ! test -s "$T/lint"
	'
done

# ---- --help against SYNOPSIS --------------------------------------------------

if have_mandoc; then
	test_expect_success 'igor --help usage line is the SYNOPSIS of igor(8), -t | --check spelt out' '
		help_forms_long "$IGOR" >"$T/help" && test -s "$T/help" &&
		grep -qF "[-t | --check]" "$T/help" &&
		man_forms "$MAN/igor.8" igor >"$T/syn" &&
		test_cmp "$T/help" "$T/syn"
	'
else
	test_skip 'igor --help usage line is the SYNOPSIS of igor(8)' "mandoc is not installed"
fi

if ! have_mandoc; then
	test_skip 'igorctl --help usage lines are the SYNOPSIS of igorctl(8)' "mandoc is not installed"
elif [ ! -x "$IGORCTL" ] || [ ! -f "$MAN/igorctl.8" ]; then
	test_skip 'igorctl --help usage lines are the SYNOPSIS of igorctl(8)' "no build/igorctl or man/igorctl.8 yet"
else
	test_expect_success 'igorctl --help usage lines are the SYNOPSIS of igorctl(8)' '
		help_forms "$IGORCTL" >"$T/help" && test -s "$T/help" &&
		man_forms "$MAN/igorctl.8" igorctl >"$T/syn" &&
		test_cmp "$T/help" "$T/syn"
	'
fi

test_expect_success 'igor(8) describes every option of igor --help' '
	"$IGOR" --help | sed -n "s/^  \(-[-a-z]*\)\(, \(-[-a-z]*\)\)\{0,1\} .*/\1 \3/p" |
		tr " " "\n" | grep . >"$T/opts" &&
	test $(wc -l <"$T/opts") -ge 8 &&
	missing= &&
	for o in $(cat "$T/opts"); do
		grep -q "^\.It Fl ${o#-}\( \|$\)" "$MAN/igor.8" ||
		grep -q "^\.It Fl .*Fl ${o#-}\( \|$\)" "$MAN/igor.8" ||
			missing="$missing $o"
	done &&
	{ test -z "$missing" || { echo "no .It Fl for:$missing"; false; }; }
'

test_expect_success 'igor(8) lists every variable igor --env prints, with its default' '
	env -u IGOR_PLUGIN_DIR "$IGOR" --env >"$T/env" &&
	test $(wc -l <"$T/env") -eq 4 &&
	missing= &&
	for v in $(sed "s/=.*//" "$T/env"); do
		grep -q "^\.It Ev $v$" "$MAN/igor.8" || missing="$missing $v"
	done &&
	{ test -z "$missing" || { echo "no .It Ev for:$missing"; false; }; } &&
	grep -q "/etc/igor" "$MAN/igor.8" &&
	grep -q "\$IGOR_CONFIG_DIR/igor.conf" "$MAN/igor.8" &&
	grep -q "/run/igor/igor.sock" "$MAN/igor.8" &&
	grep -q "\$(PREFIX)/lib/igor/plugins" "$MAN/igor.8"
'

test_expect_success 'igor(8) describes every config key supervisor/conf.c reads' '
	sed -n "s/.*strcmp([pq]->key, \"\([a-z_]*\)\") == 0.*/\1/p" \
		"$TOP/supervisor/conf.c" | sort -u >"$T/keys" &&
	test $(wc -l <"$T/keys") -ge 12 &&
	missing= &&
	for k in $(cat "$T/keys"); do
		grep -q "^\.It Ic $k\( \|$\)" "$MAN/igor.8" || missing="$missing $k"
	done &&
	{ test -z "$missing" || { echo "no .It Ic for:$missing"; false; }; }
'

# ---- igor.conf(5) -------------------------------------------------------------

test_expect_success 'igor.conf(5) describes every key conf.c reads and every key SPEC names' '
	{ sed -n "s/.*strcmp([pq]->key, \"\([a-z_]*\)\") == 0.*/\1/p" \
		"$TOP/supervisor/conf.c"; printf "%s\n" log syslog_facility descendants; } |
		sort -u >"$T/keys" &&
	test $(wc -l <"$T/keys") -ge 15 &&
	missing= &&
	for k in $(cat "$T/keys"); do
		grep -q "^\.It Ic $k\( \|$\)" "$MAN/igor.conf.5" || missing="$missing $k"
	done &&
	{ test -z "$missing" || { echo "no .It Ic in igor.conf.5 for:$missing"; false; }; }
'

if have_mandoc; then
	test_expect_success 'etc/igor.conf has every main key of igor.conf(5), at its default' '
		page_defaults "$MAN/igor.conf.5" "^THE MAIN CONFIG" | sort >"$T/page" &&
		example_defaults | sort >"$T/example" &&
		test $(wc -l <"$T/page") -ge 9 &&
		grep -v "^socket_group " "$T/example" >"$T/example.lit" &&
		test_cmp "$T/page" "$T/example.lit" &&
		grep -q "^socket_group " "$T/example"
	'

	test_expect_success 'igor(8) gives the defaults igor.conf(5) gives' '
		page_defaults "$MAN/igor.conf.5" "^THE MAIN CONFIG" | sort >"$T/conf5" &&
		page_defaults "$MAN/igor.8" "^   The main config" | sort >"$T/igor8" &&
		test $(wc -l <"$T/igor8") -ge 5 &&
		comm -23 "$T/igor8" "$T/conf5" >"$T/differ" &&
		cat "$T/differ" && ! test -s "$T/differ"
	'
else
	test_skip 'etc/igor.conf has every main key of igor.conf(5), at its default' "mandoc is not installed"
	test_skip 'igor(8) gives the defaults igor.conf(5) gives' "mandoc is not installed"
fi

test_expect_success 'etc/igor.conf, every key igor reads uncommented, passes igor -t' '
	sed -n "s/.*strcmp(p->key, \"\([a-z_]*\)\") == 0.*/\1/p" "$TOP/supervisor/conf.c" |
		sort -u >"$T/mainkeys" &&
	test $(wc -l <"$T/mainkeys") -ge 6 &&
	cp "$TOP/etc/igor.conf" "$T/all.conf" &&
	for k in $(cat "$T/mainkeys"); do
		sed -i "s/^#$k:/$k:/" "$T/all.conf" || return 1
	done &&
	sed -i "s/^#  /  /" "$T/all.conf" &&
	grep -q "^  delay: 0.1" "$T/all.conf" && grep -q "^stop_timeout: 10" "$T/all.conf" &&
	mkdir -p "$T/noplugins" &&
	IGOR_CONFIG_DIR=$T/noplugins "$IGOR" -vv -t -c "$T/all.conf" >"$T/out" 2>&1 &&
	cat "$T/out" && ! test -s "$T/out"
'

# ---- the protocol -----------------------------------------------------------

test_expect_success 'igor-protocol(7) names every record type of common/rec.h' '
	rec_types >"$T/types" && test $(wc -l <"$T/types") -ge 8 &&
	missing= &&
	for t in $(cat "$T/types"); do
		grep -qw "$t" "$MAN/igor-protocol.7" || missing="$missing $t"
	done &&
	{ test -z "$missing" || { echo "not in igor-protocol.7:$missing"; false; }; }
'

# "NAME VALUE" of every type and key of common/ctl.h, from the compiler.
ctl_numbers() {
	local names
	names=$(sed -n '/^enum ctl_\(type\|key\) {/,/^};/p' "$TOP/common/ctl.h" |
		grep -o '^[[:space:]]*CTL_[A-Z0-9_]*' | tr -d ' \t')
	{
		echo '#include <stdio.h>'
		echo '#include "ctl.h"'
		echo 'int main(void) {'
		for n in $names; do
			echo "printf(\"%s %d\\n\", \"$n\", (int)$n);"
		done
		echo 'return 0; }'
	} >"$T/ctlnum.c" &&
	$CC -D_GNU_SOURCE -I"$TOP/common" -o "$T/ctlnum" "$T/ctlnum.c" && "$T/ctlnum"
}

if have_mandoc; then
	test_expect_success 'igorctl(8) documents every type and key of common/ctl.h, with its number' '
		ctl_numbers >"$T/nums" && test $(wc -l <"$T/nums") -ge 25 &&
		render "$MAN/igorctl.8" >"$T/page" &&
		! grep -q "common/ctl.h" "$T/page" &&
		missing= &&
		while read -r name n; do
			case $name in
			CTL_K_*) grep -qE "^ +$name +$n +" "$T/page" ;;
			*) grep -qF "$name ($n)" "$T/page" ;;
			esac || missing="$missing $name=$n"
		done <"$T/nums" &&
		{ test -z "$missing" || { echo "not in igorctl.8:$missing"; false; }; }
	'
else
	test_skip 'igorctl(8) documents every type and key of common/ctl.h, with its number' "mandoc is not installed"
fi

# ---- the ABI ----------------------------------------------------------------

test_expect_success 'igor-plugin(3) has a synopsis line for every function and macro of <igor/plugin.h>' '
	{ header_functions; header_macros; } >"$T/fns" &&
	test $(wc -l <"$T/fns") -ge 16 &&
	missing= &&
	for f in $(cat "$T/fns"); do
		grep -q "^\.Fn $f\( \|$\)" "$MAN/igor-plugin.3" || missing="$missing $f"
	done &&
	{ test -z "$missing" || { echo "no .Fn for:$missing"; false; }; }
'

test_expect_success 'the NAME section of igor-plugin(3) names every function of <igor/plugin.h>' '
	header_functions >"$T/fns" &&
	test $(wc -l <"$T/fns") -ge 16 &&
	sed -n "/^\.Sh NAME/,/^\.Sh /s/^\.Nm \(igor_[a-z0-9_]*\).*/\1/p" \
		"$MAN/igor-plugin.3" | sort >"$T/named" &&
	sort "$T/fns" | comm -23 - "$T/named" >"$T/unnamed" &&
	cat "$T/unnamed" && ! test -s "$T/unnamed"
'

test_expect_success 'igor-worker exports only what <igor/plugin.h> declares' '
	header_functions | sort >"$T/declared" &&
	exported_symbols | sort >"$T/exported" && test -s "$T/exported" &&
	comm -13 "$T/declared" "$T/exported" >"$T/extra" &&
	cat "$T/extra" && ! test -s "$T/extra"
'

test_expect_success 'igor-worker exports every function <igor/plugin.h> declares' '
	header_functions | sort >"$T/declared" &&
	exported_symbols | sort >"$T/exported" &&
	comm -23 "$T/declared" "$T/exported" >"$T/unexported" &&
	cat "$T/unexported" && ! test -s "$T/unexported"
'

if have_mandoc; then
	test_expect_success 'igor-plugin(3) repeats every ownership sentence of <igor/plugin.h> word for word' '
		header_sentences | grep -Ei "borrowed|owned|owns|copied|copies|free one" |
			sed "s/[ ]*\$//" >"$T/own" &&
		test $(wc -l <"$T/own") -ge 10 &&
		render "$MAN/igor-plugin.3" | tr "\n\t" "  " | tr -s " " |
			sed "s/()//g" >"$T/page" &&
		missing=0 &&
		while IFS= read -r s; do
			grep -qiF -- "$s" "$T/page" || { echo "not in the page: $s"; missing=1; }
		done <"$T/own" &&
		test $missing = 0
	'
else
	test_skip 'igor-plugin(3) repeats every ownership sentence of <igor/plugin.h> word for word' "mandoc is not installed"
fi

# ---- the example plugins, built and run ---------------------------------------

test_expect_success 'the example plugin of igor-plugin(3) builds with -Wall -Wextra -Werror' '
	sed -n "/^\.\\\\\" example-begin/,/^\.\\\\\" example-end/p" "$MAN/igor-plugin.3" |
		grep -v "^\." >"$T/arrivals.c" &&
	grep -q "^int setup(" "$T/arrivals.c" &&
	! grep -q "\\\\" "$T/arrivals.c" &&
	$CC -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -I"$TOP/include" \
		-o "$T/arrivals.so" "$T/arrivals.c"
'

test_expect_success 'the README plugin builds with -Wall -Wextra -Werror' '
	awk "/^\`\`\`c\$/ { on = 1; next } /^\`\`\`/ { on = 0 } on" "$TOP/README" >"$T/hello.c" &&
	test $(wc -l <"$T/hello.c") -le 25 &&
	grep -q "^int setup(" "$T/hello.c" &&
	$CC -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -I"$TOP/include" \
		-o "$T/hello.so" "$T/hello.c"
'

test_expect_success 'igor -t accepts both example plugins' '
	mkdir -p "$T/conf/in" "$T/conf/watched" &&
	printf "name: arrivals\nplugin: %s\ndir: in\n" "$T/arrivals.so" |
		write_conf arrivals.conf &&
	cp "$T/hello.so" "$T/conf/hello.so" &&
	printf "name: hello\nplugin: hello.so\ndir: watched\n" | write_conf hello.conf &&
	IGOR_CONFIG_DIR=$T/conf "$IGOR" -t >"$T/out" 2>&1 &&
	cat "$T/out" && ! test -s "$T/out"
'

test_expect_success 'the example plugins log what the docs say they log' '
	echo before >"$T/conf/in/old.txt" &&
	test_when_finished "igor_stop" &&
	igor_start && wait_ready arrivals && wait_ready hello &&
	wait_for "log_has \"INFO plugin arrivals: found in/old.txt (7 bytes)\"" 5 &&
	echo hello >"$T/conf/in/new.txt" &&
	wait_for "log_has \"INFO plugin arrivals: arrived in/new.txt (6 bytes)\"" 5 &&
	: >"$T/conf/watched/x" &&
	wait_for "log_has \"INFO plugin hello: hello, watched/x\"" 5 &&
	igor_stop
'

# ---- README -----------------------------------------------------------------

test_expect_success 'README names make demo and make check, and the man pages' '
	test -f "$TOP/README" &&
	grep -q "make demo" "$TOP/README" &&
	grep -q "make check" "$TOP/README" &&
	grep -q "man -l man/igor.8" "$TOP/README" &&
	grep -q "IGOR_CONFIG_DIR=example_fs build/igor -vvv" "$TOP/README"
'

test_expect_success 'README says how to run igor as a service and read its log' '
	grep -q "^Run it as a service$" "$TOP/README" &&
	grep -q "journalctl -u igor IGOR_PLUGIN=" "$TOP/README" &&
	grep -q "^Troubleshooting: inotify limits$" "$TOP/README"
'

# Each inotify limit: the sysctl, and igor's message about it as README
# quotes it (lines joined), found in the sources word for word.
test_expect_success 'README quotes what igor says at each inotify limit, as the sources say it' '
	tr -s " \n" "  " <"$TOP/README" >"$T/readme" &&
	cat "$TOP"/worker/*.c "$TOP"/supervisor/*.c >"$T/sources" &&
	missing= &&
	for m in "cannot create an inotify instance: %s (raise sysctl fs.inotify.max_user_instances, or the open file limit)" \
		"inotify watch limit reached (raise sysctl fs.inotify.max_user_watches)" \
		"inotify queue overflowed; events were lost (raise fs.inotify.max_queued_events)"; do
		grep -qF "$m" "$T/sources" || missing="$missing [source: $m]"
		grep -qF "$(printf "%s" "$m" | sed "s/%s/Too many open files/")" "$T/readme" ||
			missing="$missing [README: $m]"
	done &&
	for v in max_user_instances max_user_watches max_queued_events; do
		grep -q "^    fs.inotify.$v = [0-9]*$" "$TOP/README" || missing="$missing [sysctl.d: $v]"
	done &&
	{ test -z "$missing" || { echo "missing:$missing"; false; }; }
'

test_done
