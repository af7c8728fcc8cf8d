// The C side of fwctl's netlink layer: libnftnl + libmnl headers, plus the few helpers
// Swift cannot import directly. Only the FwctlNetlink module imports this.
#ifndef FWCTL_CNFTNL_SHIM_H
#define FWCTL_CNFTNL_SHIM_H

// <netinet/in.h> must come before any <linux/*> header: otherwise Swift sees two
// different definitions of in_addr and refuses to build.
#include <netinet/in.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sched.h>

#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/batch.h>
#include <libnftnl/gen.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/set.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>
#include <libnftnl/object.h>
#include <libnftnl/flowtable.h>

// MNL_SOCKET_BUFFER_SIZE is a macro calling sysconf(): Swift cannot import it.
static inline size_t fwctl_mnl_socket_buffer_size(void) {
    return MNL_SOCKET_BUFFER_SIZE;
}

// Swift's Glibc module is built without _GNU_SOURCE, so setns() and CLONE_NEWNET are
// invisible; the raw syscall is always there.
static inline int fwctl_setns_net(int fd) {
    return (int)syscall(SYS_setns, fd, 0x40000000 /* CLONE_NEWNET */);
}

#endif
