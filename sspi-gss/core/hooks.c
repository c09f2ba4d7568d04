/* hooks.c - the core's side of hooks.h: one pointer, set once. */
#include "hooks.h"

#include <stddef.h>

static const struct sg_thread_hooks *installed;

void sg_thread_hooks_set(const struct sg_thread_hooks *hooks)
{
	const struct sg_thread_hooks *none = NULL;

	__atomic_compare_exchange_n(&installed, &none, hooks, 0, __ATOMIC_RELEASE,
				    __ATOMIC_RELAXED);
}

static const struct sg_thread_hooks *hooks(void)
{
	return __atomic_load_n(&installed, __ATOMIC_ACQUIRE);
}

int sg_thread_suspend(void)
{
	const struct sg_thread_hooks *h = hooks();

	return h != NULL ? h->suspend() : 0;
}

void sg_thread_resume(int suspended)
{
	const struct sg_thread_hooks *h = hooks();

	if (h != NULL)
		h->resume(suspended);
}

gss_cred_id_t sg_thread_delegated(struct sg_object **owner)
{
	const struct sg_thread_hooks *h = hooks();

	*owner = NULL;
	return h != NULL ? h->delegated(owner) : GSS_C_NO_CREDENTIAL;
}
