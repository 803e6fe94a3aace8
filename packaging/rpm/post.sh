# SPDX-License-Identifier: BSD-3-Clause
# ogw %post ($1: 1 = first install, 2 = upgrade). Plain sh: the %systemd_* and %sysusers_*
# macros are not defined where CPack builds the package. Creates the system user 'ogw' and,
# on a first install, applies the distribution's preset policy to ogwd.service (enabled or not,
# as the distribution decides). Works with and without systemd as PID 1.

if ! getent passwd ogw >/dev/null 2>&1; then
    if command -v systemd-sysusers >/dev/null 2>&1 && [ -f /usr/lib/sysusers.d/ogw.conf ]; then
        systemd-sysusers /usr/lib/sysusers.d/ogw.conf >/dev/null 2>&1 || :
    fi
fi
if ! getent passwd ogw >/dev/null 2>&1; then
    getent group ogw >/dev/null 2>&1 || groupadd --system ogw || :
    useradd --system --gid ogw --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin --comment "ogw overlay gateway" ogw || :
fi

if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl --no-reload preset ogwd.service >/dev/null 2>&1 || :
fi
exit 0
