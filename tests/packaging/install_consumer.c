/*
 * install_consumer.c - a Windows-style program built against an installed
 * sspi-gss with nothing but `pkg-config --cflags --libs sspi-gss`. It lists the
 * packages through EnumerateSecurityPackagesA and EnumerateSecurityPackagesW
 * and fails unless both list the same three.
 */
#define SECURITY_WIN32
#include <security.h>
#include <stdio.h>

int main(void)
{
	ULONG count_a = 0, count_w = 0;
	PSecPkgInfoA a = NULL;
	PSecPkgInfoW w = NULL;
	int ok = 1;

	if (EnumerateSecurityPackagesA(&count_a, &a) != SEC_E_OK ||
	    EnumerateSecurityPackagesW(&count_w, &w) != SEC_E_OK)
		return 1;
	for (ULONG i = 0; i < count_a; i++) {
		const SEC_CHAR *n = a[i].Name;
		const SEC_WCHAR *nw = w[i].Name;

		printf("%s (%s)\n", a[i].Name, a[i].Comment);
		for (; *n != '\0' && *nw == (SEC_WCHAR)*n; n++, nw++)
			;
		if (*n != '\0' || *nw != 0)
			ok = 0;
	}
	FreeContextBuffer(a);
	FreeContextBuffer(w);
	return ok && count_a == 3 && count_w == 3 ? 0 : 1;
}
