# SPDX-License-Identifier: BSD-3-Clause
# ogw %preun ($1: 0 = final erase, 1 = upgrade). On erase, disables ogwd.service and stops it
# when systemd runs; on upgrade the daemon keeps running (%postun restarts it).

if [ "$1" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
    if [ -d /run/systemd/system ]; then
        systemctl --no-reload disable --now ogwd.service >/dev/null 2>&1 || :
    else
        systemctl --no-reload disable ogwd.service >/dev/null 2>&1 || :
    fi
fi
exit 0
