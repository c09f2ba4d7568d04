/*
 * realm.h - a throwaway Heimdal realm (SSPI.TEST) for end-to-end suites.
 *
 * realm_start builds the realm with tests/realm.sh in a fresh temporary
 * directory, starts the KDC on a free 127.0.0.1 port as a child that dies with
 * this process (PR_SET_PDEATHSIG), waits until it answers, and points
 * KRB5_CONFIG, KRB5_KTNAME and KRB5CCNAME (a MEMORY cache) at the realm.
 * Nothing outside the temporary directory is touched.
 */
#ifndef SG_TEST_REALM_H
#define SG_TEST_REALM_H

#include <sys/types.h>

struct realm {
	char dir[256];
	int port;
	pid_t kdc;
};

int realm_start(struct realm *r);
/* Stops (and restarts) only the KDC, for KDC-down tests. */
void realm_kdc_stop(struct realm *r);
int realm_kdc_start(struct realm *r);
/* Stops the KDC by PID and removes the directory. */
void realm_stop(struct realm *r);

#endif
