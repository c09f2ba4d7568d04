/*
 * security.h - what Windows' <security.h> gives an SSPI program.
 *
 * Windows code does "#define SECURITY_WIN32" and "#include <security.h>";
 * the same two lines work here. The define is accepted but not required.
 * Besides <sspi.h>, this adds the TCHAR spelling that Windows programs take
 * from <windows.h>/<tchar.h> (TCHAR, LPTSTR, TEXT()), only when no other
 * header has defined it, so TCHAR-style sources also compile unchanged.
 */
#ifndef SSPI_GSS_SECURITY_H
#define SSPI_GSS_SECURITY_H

#include "sspi.h"

#ifndef _TCHAR_DEFINED
#define _TCHAR_DEFINED
#ifdef UNICODE
typedef WCHAR TCHAR, *PTCHAR;
#else
typedef char TCHAR, *PTCHAR;
#endif
typedef TCHAR *LPTSTR, *PTSTR;
typedef const TCHAR *LPCTSTR, *PCTSTR;
#endif

#ifndef TEXT
#ifdef UNICODE
/* u"" literals are char16_t, the same type as WCHAR. */
#define __TEXT(quote) u##quote
#else
#define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)
#endif

#endif /* SSPI_GSS_SECURITY_H */
