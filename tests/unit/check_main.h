/*
 * check_main.h - the main() every Check suite shares: run one suite, print
 * Check's summary, exit non-zero on any failure.
 */
#ifndef SG_CHECK_MAIN_H
#define SG_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define SG_CHECK_MAIN(make_suite)                                              \
	int main(void)                                                         \
	{                                                                      \
		SRunner *runner = srunner_create(make_suite());                \
		int failed;                                                    \
		srunner_run_all(runner, CK_NORMAL);                            \
		failed = srunner_ntests_failed(runner);                        \
		srunner_free(runner);                                          \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;              \
	}

#endif
