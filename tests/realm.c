/* realm.c - see realm.h. */
#include "realm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int kdc_answers(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static const char *script(void)
{
	const char *s = getenv("SSPI_GSS_REALM_SH");

	return s != NULL ? s : "tests/realm.sh";
}

int realm_kdc_start(struct realm *r)
{
	char conf[512], ports[32];
	pid_t parent = getpid();

	snprintf(conf, sizeof(conf), "--config-file=%s/krb5.conf", r->dir);
	snprintf(ports, sizeof(ports), "--ports=%d", r->port);
	r->kdc = fork();
	if (r->kdc < 0)
		return -1;
	if (r->kdc == 0) {
		char log[512];

		/* The KDC must not outlive the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		snprintf(log, sizeof(log), "%s/kdc.out", r->dir);
		if (freopen(log, "a", stdout) == NULL || freopen(log, "a", stderr) == NULL)
			_exit(1);
		execl("/usr/lib/heimdal-servers/kdc", "kdc", conf, ports, "--addresses=127.0.0.1",
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct timespec ts = {0, 20 * 1000 * 1000};

		if (kdc_answers(r->port))
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "realm: the KDC did not answer on port %d\n", r->port);
	return -1;
}

void realm_kdc_stop(struct realm *r)
{
	if (r->kdc > 0) {
		kill(r->kdc, SIGTERM);
		waitpid(r->kdc, NULL, 0);
		r->kdc = 0;
	}
}

int realm_start(struct realm *r)
{
	char cmd[1024], path[600];

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/sspi-gss-realm-XXXXXX");
	if (mkdtemp(r->dir) == NULL)
		return -1;
	r->port = free_port();
	if (r->port <= 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' create '%s' %d > '%s/create.log' 2>&1", script(), r->dir,
		 r->port, r->dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "realm: %s failed\n", cmd);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/krb5.conf", r->dir);
	setenv("KRB5_CONFIG", path, 1);
	snprintf(path, sizeof(path), "FILE:%s/service.keytab", r->dir);
	setenv("KRB5_KTNAME", path, 1);
	setenv("KRB5CCNAME", "MEMORY:sspi-gss-tests", 1);
	return realm_kdc_start(r);
}

void realm_stop(struct realm *r)
{
	char cmd[600];

	realm_kdc_stop(r);
	if (r->dir[0] != '\0' && strncmp(r->dir, "/tmp/sspi-gss-realm-", 20) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "realm: could not remove %s\n", r->dir);
	}
}
