/*
 * timestamps.c - SSPI TimeStamp values (FILETIME: 100 ns ticks since 1601).
 */
#include <time.h>

#include "mech.h"

/* FILETIME epoch (1601-01-01) to Unix epoch, in seconds. */
#define EPOCH_DIFF 11644473600LL

TimeStamp sg_timestamp_from_unix(long long t)
{
	TimeStamp ts;
	unsigned long long ticks;

	if (t < -EPOCH_DIFF)
		t = -EPOCH_DIFF;
	if (t > (0x7FFFFFFFFFFFFFFFLL / 10000000LL) - EPOCH_DIFF)
		return sg_timestamp_never();
	ticks = (unsigned long long)(t + EPOCH_DIFF) * 10000000ULL;
	ts.LowPart = (ULONG)(ticks & 0xFFFFFFFFu);
	ts.HighPart = (LONG)(ticks >> 32);
	return ts;
}

TimeStamp sg_timestamp_never(void)
{
	TimeStamp ts = {0xFFFFFFFFu, 0x7FFFFFFF};

	return ts;
}

TimeStamp sg_timestamp_in(OM_uint32 lifetime)
{
	if (lifetime == GSS_C_INDEFINITE)
		return sg_timestamp_never();
	return sg_timestamp_from_unix((long long)time(NULL) + lifetime);
}
