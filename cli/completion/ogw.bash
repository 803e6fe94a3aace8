# SPDX-License-Identifier: BSD-3-Clause
# bash completion for ogw(1): commands, options, states, and the ids and names a running
# ogwd knows (asked with 'ogw flows', 'ogw sessions', 'ogw ipcps', 'ogw peers').

# _ogw_column CMD...: the first column of the table 'ogw [--socket PATH] CMD' prints.
_ogw_column() {
    local socket=()
    [[ -n $_ogw_socket ]] && socket=(--socket "$_ogw_socket")
    "${COMP_WORDS[0]}" "${socket[@]}" --color never "$@" 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_ogw() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local -a words=("${COMP_WORDS[@]}")
    local cword=$COMP_CWORD

    local commands="status ipcps flows flow sessions session peers stats macs watch genkey pubkey"
    local global_opts="--socket --json --color --help --version"
    local flow_states="alloc_pending accept_pending allocated peer_deallocated peer_timed_out
                       down dealloc_pending"
    local session_states="opening established closing"

    # The command (and sub-command) typed so far, and the socket in use.
    local i command="" sub="" _ogw_socket=${OGW_SOCKET:-}
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --socket) _ogw_socket=${words[i + 1]:-}; ((i++)) ;;
            --color) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then
                    command=${words[i]}
                elif [[ -z $sub && ($command == flow || $command == session) ]]; then
                    sub=${words[i]}
                fi
                ;;
        esac
    done

    case $prev in
        --socket) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
        --color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur"); return ;;
        --ipcp) mapfile -t COMPREPLY < <(compgen -W "$(_ogw_column ipcps)" -- "$cur"); return ;;
        --peer)
            mapfile -t COMPREPLY < <(compgen -W "$(_ogw_column peers)" -- "$cur")
            return
            ;;
        --state)
            local states=$flow_states
            [[ $command == sessions ]] && states=$session_states
            mapfile -t COMPREPLY < <(compgen -W "$states" -- "$cur")
            return
            ;;
        --proto) mapfile -t COMPREPLY < <(compgen -W "tcp udp icmp icmpv6" -- "$cur"); return ;;
        -i | --interval | -c | --count) return ;;
    esac

    local words_now
    case $command in
        "") words_now="$commands $global_opts" ;;
        flows) words_now="--ipcp --peer --state --help" ;;
        sessions) words_now="--ipcp --peer --state --proto --help" ;;
        watch) words_now="--ipcp --peer --interval --count --help" ;;
        flow)
            case $sub in
                "") words_now="show dealloc" ;;
                show | dealloc) words_now="$(_ogw_column flows)" ;;
            esac
            ;;
        session)
            case $sub in
                "") words_now="kill" ;;
                kill) words_now="$(_ogw_column sessions)" ;;
            esac
            ;;
        *) words_now="--help" ;;
    esac
    mapfile -t COMPREPLY < <(compgen -W "$words_now" -- "$cur")
}
complete -F _ogw ogw
