#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for the cluster tests (tests/cluster/).
#
#   bash tests/cluster/slurm.sh up      install (Debian packages), configure and start; idempotent
#   bash tests/cluster/slurm.sh down    stop every daemon it started, by PID
#   bash tests/cluster/slurm.sh status  what is running
#
# Needs root and apt-get (Debian 12: munge 0.5, SLURM 22.05, MariaDB 10.11). No systemd: the
# daemons are started directly, with PID files under $STATE. slurmdbd with MariaDB provides the
# accounting database, so `sacct` works; account "isac" holds the submitting user.
#
# The node is this machine: CPUs = nproc, RealMemory = 90 % of what slurmd detects. One
# partition, "debug" (default, at most 2 hours per job). EnforcePartLimits=ALL makes sbatch reject a
# request the node cannot satisfy instead of leaving it pending forever; MinJobAge=600 keeps
# finished jobs visible to squeue (the status command of profiles/slurm) for ten minutes.
set -euo pipefail

STATE=${ISAC_SLURM_STATE:-/var/lib/isac-slurm}
ACCOUNT=${ISAC_SLURM_ACCOUNT:-isac}
PARTITION=${ISAC_SLURM_PARTITION:-debug}
# Time limit of the partition, minutes: a request above it is rejected at submission.
MAXTIME=120
CLUSTER=isac
DB_PASS=isac-slurm-test
PACKAGES=(munge slurmctld slurmd slurm-client slurmdbd mariadb-server)

say() { echo "slurm.sh: $*"; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local timeout=$1 what=$2
    shift 2
    for _ in $(seq $((timeout * 5))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    say "timed out after ${timeout} s waiting for ${what}" >&2
    return 1
}

alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        # no daemon may start from a package's install script: this script starts them
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        rm -f /usr/sbin/policy-rc.d
    fi
}

write_configs() {
    local host cpus mem
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    mem=$((mem * 9 / 10))
    mkdir -p /etc/slurm "$STATE"/{ctld,spool,log} /run/munge /run/mysqld
    cat >/etc/slurm/slurm.conf <<EOF
ClusterName=$CLUSTER
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
EnforcePartLimits=ALL
MinJobAge=600
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageEnforce=associations
SchedulerParameters=sched_interval=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=$MAXTIME State=UP
EOF
    cat >/etc/slurm/slurmdbd.conf <<EOF
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
PidFile=$STATE/slurmdbd.pid
LogFile=$STATE/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
    chmod 600 /etc/slurm/slurmdbd.conf
}

start_munge() {
    alive "$STATE/munged.pid" && return
    [[ -s /etc/munge/munge.key ]] || mungekey --create --keyfile /etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key /run/munge
    chmod 400 /etc/munge/munge.key
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged --force
    # munged writes its PID file as the munge user; keep a copy with the others
    wait_for 10 munged test -s /run/munge/munged.pid
    cp /run/munge/munged.pid "$STATE/munged.pid"
    wait_for 10 "munge to answer" sh -c 'munge -n | unmunge'
}

start_mariadb() {
    alive "$STATE/mariadbd.pid" && return
    chown mysql:mysql /run/mysqld
    [[ -d /var/lib/mysql/mysql ]] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    /usr/sbin/mariadbd --user=mysql --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock \
        --bind-address=127.0.0.1 >"$STATE/log/mariadb.log" 2>&1 &
    echo $! >"$STATE/mariadbd.pid"
    wait_for 60 MariaDB mariadb -e "select 1"
    mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
                GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
}

start_slurmdbd() {
    alive "$STATE/slurmdbd.pid" && return
    slurmdbd
    wait_for 60 slurmdbd sacctmgr -n list cluster
}

register_account() {
    sacctmgr -n list cluster format=cluster | grep -qw "$CLUSTER" || sacctmgr -i add cluster "$CLUSTER" >/dev/null
    sacctmgr -n list account format=account | grep -qw "$ACCOUNT" ||
        sacctmgr -i add account "$ACCOUNT" Cluster="$CLUSTER" Description=isac-sweep Organization=isac >/dev/null
    local user
    user=${SUDO_USER:-$(id -un)}
    sacctmgr -n list assoc user="$user" account="$ACCOUNT" format=user | grep -qw "$user" ||
        sacctmgr -i add user "$user" Account="$ACCOUNT" Cluster="$CLUSTER" >/dev/null
}

start_slurm() {
    alive "$STATE/slurmctld.pid" || slurmctld
    wait_for 30 slurmctld scontrol ping
    alive "$STATE/slurmd.pid" || slurmd
    wait_for 60 "the node to become idle" sh -c "sinfo -h -N -o %t | grep -qE '^(idle|mix|alloc)'"
}

up() {
    [[ $(id -u) == 0 ]] || { say "needs root" >&2; exit 2; }
    command -v apt-get >/dev/null || { say "needs apt-get (Debian)" >&2; exit 2; }
    install_packages
    mkdir -p "$STATE"
    # (re)write the configuration only while no daemon of ours is running
    alive "$STATE/slurmctld.pid" || write_configs
    start_munge
    start_mariadb
    start_slurmdbd
    register_account
    start_slurm
    say "up: $(sinfo -h -o '%P %D node(s) %c CPUs %m MB %l')"
}

down() {
    local name pid
    for name in slurmd slurmctld slurmdbd mariadbd munged; do
        if alive "$STATE/$name.pid"; then
            pid=$(cat "$STATE/$name.pid")
            kill "$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
            say "stopped $name ($pid)"
        fi
        rm -f "$STATE/$name.pid"
    done
}

status() {
    local name
    for name in munged mariadbd slurmdbd slurmctld slurmd; do
        if alive "$STATE/$name.pid"; then echo "$name: running ($(cat "$STATE/$name.pid"))"; else echo "$name: stopped"; fi
    done
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
