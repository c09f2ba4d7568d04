/* sspi-gss-info's output and exit codes, from the real binary (path in the
 * SSPI_GSS_INFO environment variable, set by meson). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"

struct run {
	char out[16384];
	int status;
};

/* Runs the tool with args (and an optional environment prefix), capturing
 * stdout and stderr together. */
static void run_tool(const char *env, const char *args, struct run *r)
{
	char cmd[4096];
	const char *tool = getenv("SSPI_GSS_INFO");
	FILE *p;
	size_t n;

	ck_assert_msg(tool != NULL, "SSPI_GSS_INFO is not set");
	snprintf(cmd, sizeof(cmd), "%s '%s' %s 2>&1", env ? env : "", tool, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(r->out, 1, sizeof(r->out) - 1, p);
	r->out[n] = '\0';
	r->status = pclose(p);
	ck_assert(WIFEXITED(r->status));
	r->status = WEXITSTATUS(r->status);
}

#define ck_assert_contains(hay, needle)                                                  \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "expected \"%s\" in output:\n%s", \
		      (needle), (hay))

START_TEST(table_lists_three_packages)
{
	struct run r;

	run_tool(NULL, "", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_contains(r.out, "Negotiate      9       1    65791 0x00883BB3   1.3.6.1.5.5.2");
	ck_assert_contains(r.out, "Kerberos      16       1    65535 0x008F3BBF   1.2.840.113554.1.2.2");
	ck_assert_contains(r.out, "NTLM          10       1     2888 0x00882B37   1.3.6.1.4.1.311.2.2.10");
	ck_assert_contains(r.out, "Heimdal GSS-API: usable");
	ck_assert_contains(r.out, "Not provided (SEC_E_SECPKG_NOT_FOUND): Schannel (TLS), "
				  "Microsoft Unified Security Protocol Provider");
}
END_TEST

START_TEST(verbose_names_flags)
{
	struct run r;

	run_tool(NULL, "--verbose", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_contains(r.out, "Comment:      Microsoft Kerberos V1.0");
	ck_assert_contains(r.out, "Capabilities: INTEGRITY PRIVACY TOKEN_ONLY DATAGRAM CONNECTION");
	ck_assert_contains(r.out, "Backend:      Heimdal GSS-API krb5 mechanism");
}
END_TEST

START_TEST(json_output)
{
	struct run r;

	run_tool(NULL, "--json", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_contains(r.out, "\"heimdal\": {\"usable\": true, \"problem\": null}");
	ck_assert_contains(r.out, "{\"name\": \"Negotiate\", \"comment\": \"Microsoft Package Negotiator\", \"rpcid\": 9");
	ck_assert_contains(r.out, "\"name\": \"Kerberos\"");
	ck_assert_contains(r.out, "\"mech_oid\": \"1.3.6.1.4.1.311.2.2.10\"");
	ck_assert_contains(r.out, "\"capability_names\": [\"INTEGRITY\", \"PRIVACY\"");
	ck_assert_contains(r.out, "\"not_provided\": [\"Schannel\", ");
}
END_TEST

START_TEST(bad_option_is_usage_error)
{
	struct run r;

	run_tool(NULL, "--no-such-option", &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_contains(r.out, "unknown option '--no-such-option'");
	ck_assert_contains(r.out, "usage: sspi-gss-info");
}
END_TEST

START_TEST(broken_kerberos_config_exits_2)
{
	char path[] = "/tmp/sspi-gss-badconf-XXXXXX";
	char env[256];
	int fd = mkstemp(path);
	struct run r;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "[libdefaults]\n default_realm = {\n", 33), 33);
	close(fd);
	snprintf(env, sizeof(env), "KRB5_CONFIG='%s'", path);
	run_tool(env, "", &r);
	unlink(path);
	ck_assert_int_eq(r.status, 2);
	ck_assert_contains(r.out, "Heimdal GSS-API is not usable");
	ck_assert_contains(r.out, path);
	ck_assert_contains(r.out, "unclosed {");
}
END_TEST

START_TEST(version_and_help)
{
	struct run r;

	run_tool(NULL, "--version", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_contains(r.out, "sspi-gss-info 0.1.0");
	run_tool(NULL, "--help", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_contains(r.out, "--json");
}
END_TEST

static Suite *tool_suite(void)
{
	Suite *s = suite_create("sspi-gss-info");
	TCase *tc = tcase_create("output");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, table_lists_three_packages);
	tcase_add_test(tc, verbose_names_flags);
	tcase_add_test(tc, json_output);
	tcase_add_test(tc, bad_option_is_usage_error);
	tcase_add_test(tc, broken_kerberos_config_exits_2);
	tcase_add_test(tc, version_and_help);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(tool_suite)
