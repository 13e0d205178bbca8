/* Capabilities cut to the container default set; no_new_privs. */
#include "ctr_caps.h"

#include <errno.h>
#include <sys/prctl.h>

#include <sys/capability.h>

static const cap_value_t default_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};
#define NDEFAULT ((int)(sizeof(default_caps) / sizeof(default_caps[0])))

uint64_t ctr_caps_default_mask(void)
{
	uint64_t m = 0;

	for (int i = 0; i < NDEFAULT; i++)
		m |= 1ull << default_caps[i];
	return m;
}

int ctr_caps_bound(struct iso_err *err)
{
	uint64_t keep = ctr_caps_default_mask();

	/* cap_max_bits(): the capabilities this kernel knows, which may be
	 * more than this libcap was built with. */
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		if (c < 64 && (keep & (1ull << c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return iso_err_set(err, -errno, "caps: drop %d from bounding set", (int)c);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return iso_err_set(err, -errno, "caps: clear ambient set");
	return 0;
}

int ctr_caps_apply(struct iso_err *err)
{
	cap_t caps = cap_init();
	int r = 0;

	if (!caps)
		return iso_err_set(err, -errno, "caps: cap_init");
	if (cap_set_flag(caps, CAP_EFFECTIVE, NDEFAULT, default_caps, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_PERMITTED, NDEFAULT, default_caps, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_INHERITABLE, NDEFAULT, default_caps, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0)
		r = iso_err_set(err, -errno, "caps: set process capabilities");
	cap_free(caps);
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = iso_err_set(err, -errno, "prctl no_new_privs");
	return r;
}
