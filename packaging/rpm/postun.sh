# SPDX-License-Identifier: BSD-3-Clause
# ogw %postun ($1: 0 = final erase, 1 = upgrade). Reloads systemd's unit files and, on
# upgrade, restarts ogwd.service if it runs. The user 'ogw' is kept (it may own files).

if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -ge 1 ]; then
        systemctl try-restart ogwd.service >/dev/null 2>&1 || :
    fi
fi
exit 0
