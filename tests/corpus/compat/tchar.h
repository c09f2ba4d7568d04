/*
 * compat/tchar.h - the TCHAR helpers of the corpus programs. TCHAR and
 * TEXT() themselves come from the library's <security.h>, as Windows
 * programs get them from <windows.h>. The test's, not the library's.
 */
#ifndef CORPUS_COMPAT_TCHAR_H
#define CORPUS_COMPAT_TCHAR_H

#define _T(x) TEXT(x)
#define _tmain main

#endif
