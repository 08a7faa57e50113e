# bash completion for s3engine: subcommands, options, fixed option values, and
# .lua plans / .json seed inputs / .csv and .jsonl reports where a file is expected.
_s3engine()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
    }
    local opts="--dry-run --workers --max-payload --max-payload-objects --hold --shard --emit --arg
        --seed-input --unsafe-lua --lua-memory --lua-read --force --move --stream --stream-memory --multipart-cutoff --part-size
        --part-concurrency --parts-in-flight --retries --request-timeout --copy-timeout --object-timeout --no-verify
        --fail-fast --max-rps --endpoint --region --profile --path-style
        --virtual-hosted --no-verify-ssl --report --json --progress --no-progress --timestamps
        --no-timestamps --log-format --verbose --quiet
        --help --version"
    case $prev in
        --seed-input)
            COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --report)
            COMPREPLY=($(compgen -f -- "$cur") -); return ;;
        --profile)
            local f=${AWS_CONFIG_FILE:-$HOME/.aws/config} c=${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}
            COMPREPLY=($(compgen -W "$( { sed -n 's/^\[profile \(.*\)\]$/\1/p' "$f"; sed -n 's/^\[\(.*\)\]$/\1/p' "$c"; } 2>/dev/null | sort -u)" -- "$cur")); return ;;
        --log-format)
            COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --older-than)
            COMPREPLY=($(compgen -W "1h 1d 7d" -- "$cur")); return ;;
        --lua-read|--emit)
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --lua-memory|--workers|-w|--max-payload|--max-payload-objects|--hold|--shard|--arg|--multipart-cutoff|--part-size|--stream-memory|--part-concurrency|--parts-in-flight|--retries|--request-timeout|--copy-timeout|--object-timeout|--fail-fast|--max-rps|--endpoint|--region|--payload|--worker|--index|--count)
            return ;;
    esac
    local i sub=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in ls|cp|lua|uploads|whoami|run-job|job-status|lambda) sub=${COMP_WORDS[i]}; break ;; esac
    done
    if [[ $cur == -* ]]; then
        case $sub in
            uploads) COMPREPLY=($(compgen -W "--abort --older-than $opts" -- "$cur")) ;;
            whoami) COMPREPLY=($(compgen -W "--profile --region" -- "$cur")) ;;
            run-job) COMPREPLY=($(compgen -W "--payload --worker --index --count --failed $opts" -- "$cur")) ;;
            *) COMPREPLY=($(compgen -W "$opts -n -w -v -q -h" -- "$cur")) ;;
        esac
        return
    fi
    case $sub in
        ls|cp|uploads) COMPREPLY=($(compgen -W "s3://" -- "$cur")); compopt -o nospace 2>/dev/null ;;
        lua) COMPREPLY=($(compgen -f -X '!*.lua' -- "$cur") $(compgen -d -- "$cur")) ;;
        whoami|lambda) ;;
        run-job|job-status) COMPREPLY=($(compgen -d -- "$cur") $(compgen -W "s3://" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "ls cp lua uploads whoami run-job job-status lambda" -- "$cur")
                      $(compgen -f -X '!*.lua' -- "$cur") $(compgen -d -- "$cur")) ;;
    esac
}
complete -o filenames -F _s3engine s3engine
