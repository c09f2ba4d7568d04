/*
 * names.h - SSPI target names (SPNs, UPNs) and principals <-> GSS names.
 */
#ifndef SG_NAMES_H
#define SG_NAMES_H

#include <gssapi/gssapi.h>

#include <sspi.h>

/* Imports a Kerberos principal or SSPI target name: "service/host",
 * "service/host:port", "service/host@REALM", "host/host.domain" or a UPN
 * "user@domain". The name is taken literally, as Windows' Kerberos package
 * does (an SPN with a port names a different principal than one without).
 * SEC_E_TARGET_UNKNOWN when it cannot be a principal name. */
SECURITY_STATUS sg_name_import(const char *name, gss_name_t *out);

/* The display form of a GSS name, malloc'ed; NULL on failure. */
char *sg_name_display(gss_name_t name);
/* A mechanism name (a context's peer) in the mechanism's own escaped
 * syntax, as gss_export_name carries it (RFC 2743 3.2): for Kerberos the
 * principal with '\\', '/' and '@' inside components escaped, so two
 * different principals never give the same string (the display form
 * does: "alice\\/admin" and "alice/admin" both display as alice/admin).
 * malloc'ed; the display form when the name cannot be exported; NULL
 * when out of memory. */
char *sg_name_principal(gss_name_t name);

#endif
