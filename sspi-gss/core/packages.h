/*
 * packages.h - the package registry: SSPI package name <-> GSS mechanism <->
 * the SecPkgInfo values Windows reports.
 */
#ifndef SG_PACKAGES_H
#define SG_PACKAGES_H

#include <stddef.h>

#include <sspi.h>

struct sg_mech_ops;

struct sg_package {
	const char *name;
	const char *comment;
	ULONG capabilities;
	USHORT version;
	USHORT rpcid;
	ULONG max_token;
	const char *mech_oid;   /* dotted */
	const char *backend;    /* what carries it out, in words */
	const char *not_yet;    /* NULL when implemented; else why not */
	const struct sg_mech_ops *ops; /* NULL while not implemented */
};

size_t sg_package_count(void);
const struct sg_package *sg_package_at(size_t i);

/* Finds a package by name, ASCII case-insensitively; NULL when unknown. */
const struct sg_package *sg_package_find(const char *name);

/* One caller-owned block (freed with FreeContextBuffer) holding n SecPkgInfo
 * records and their strings. */
SECURITY_STATUS sg_package_info_a(const struct sg_package *const *pkgs, size_t n,
				  PSecPkgInfoA *out);
SECURITY_STATUS sg_package_info_w(const struct sg_package *const *pkgs, size_t n,
				  PSecPkgInfoW *out);

#endif
