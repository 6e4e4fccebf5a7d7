/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The scenario language (doc/scenario.md): a line-oriented script that
 * builds a space, attaches groups, maps and unmaps, and checks results with
 * 'expect' lines. It has three parts, kept apart so that each can be used
 * and tested alone:
 *
 *   parser    scn_parse(): bytes -> a validated command array (struct scn).
 *             Hostile-input safe (bounded lines, overflow-checked numbers,
 *             no NUL bytes), executes nothing, needs no engine. Everything
 *             that can be known without running is checked here: syntax,
 *             numbers, names, group declarations, which result an 'expect'
 *             may look at.
 *   executor  scn_exec(): runs the commands, in order, through a backend
 *             (struct scn_backend_ops) and hands one struct scn_step per
 *             command to a sink. It keeps the scenario's own model (declared
 *             groups, their regions, which are attached, the allowed list)
 *             to name the region or aperture behind an error, so messages
 *             do not depend on what the backend can explain.
 *   backends  scn_engine_backend runs libioas's space (struct ioas_space).
 *             A kernel backend (VFIO type1 container or iommufd IOAS, groups
 *             bound by their dev= address) plugs into the same ops.
 *
 * Printers are the sink's business: scn_step_format() gives the text line;
 * cmd_sim.c builds the JSON document.
 */
#ifndef IOAS_TOOL_SCENARIO_H
#define IOAS_TOOL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ioas/ioas.h>

#include "output.h"

/* Longest line, newline excluded. */
#define SCN_MAX_LINE 4096
/* Longest dev= value kept (a PCI address is at most 12 characters). */
#define SCN_DEV_MAX 32

enum scn_op {
	SCN_SPACE = 1,
	SCN_GROUP,
	SCN_REGION,
	SCN_ATTACH,
	SCN_DETACH,
	SCN_MAP,
	SCN_UNMAP,
	SCN_UNMAP_ALL,
	SCN_ALLOW,
	SCN_COPY,
	SCN_USABLE,
	SCN_INFO,
	SCN_DOORBELL,      /* doorbell <group> <phys|its=B|gicv2m=B> */
	SCN_DOORBELL_FREE, /* doorbell-free <group> <phys|its=B|gicv2m=B> */
	/* every expect comes after every other command (see scenario.c) */
	SCN_EXPECT_OK,
	SCN_EXPECT_ERR,
	SCN_EXPECT_USABLE,
	SCN_EXPECT_INFO,
};

/* SCN_INFO: struct scn_cmd.flags */
#define SCN_INFO_ARGSZ (1u << 0) /* argsz= given (in .len); else negotiate */
#define SCN_INFO_RESV (1u << 1)  /* 'resv': append IOAS_CAP_RESV_REGIONS */
/* Largest argsz= an info line may ask for. */
#define SCN_INFO_MAX_ARGSZ (1u << 20)

/* Result keys an 'ok' may carry ('expect ok KEY=VALUE'). */
#define SCN_KEY_IOVA (1u << 0)
#define SCN_KEY_UNMAPPED (1u << 1)

/**
 * struct scn_group - a declared group ('group' line)
 * @id: group id
 * @line: line of the declaration
 * @aperture: its domain's aperture (default: the space's)
 * @pgsizes: its domain's page sizes (default: the space's)
 * @irq_remap: interrupts isolated (irq-remap=yes, the default)
 * @dev: PCI address for a kernel backend ("" if not given)
 */
struct scn_group {
	uint32_t id;
	unsigned int line;
	struct ioas_range aperture;
	uint64_t pgsizes;
	bool irq_remap;
	char dev[SCN_DEV_MAX];
};

/**
 * struct scn_space - the 'space' line
 * @profile: enum ioas_profile
 * @aperture: default group aperture; native's aperture with no group
 * @pgsizes: default group page sizes; native's with no group
 * @dma_limit: dma-limit=, 0 if not given
 * @unsafe_interrupts: unsafe-interrupts given
 * @page_size: page= (default 4096)
 * @hpage_size: hpage= (default 2 MiB)
 */
struct scn_space {
	uint32_t profile;
	struct ioas_range aperture;
	uint64_t pgsizes;
	uint32_t dma_limit;
	bool unsafe_interrupts;
	uint64_t page_size;
	uint64_t hpage_size;
};

/**
 * struct scn_cmd - one command
 * @op: enum scn_op
 * @line: 1-based source line
 * @text: the command's tokens joined by single spaces (comments dropped)
 * @target: for expect lines, index of the command they check
 * @group: SCN_GROUP/REGION/ATTACH/DETACH: index into struct scn.groups
 * @region: SCN_REGION: the region (origin default user)
 * @iova: SCN_MAP: fixed IOVA; SCN_UNMAP: first byte; SCN_COPY: source
 * @dst: SCN_COPY: fixed destination
 * @len: SCN_MAP/UNMAP/COPY: size in bytes (0 is kept: the backend rejects
 *       it as the kernel does); SCN_INFO: argsz= (with SCN_INFO_ARGSZ)
 * @va: SCN_MAP: user address (0: naturally aligned memory)
 * @flags: SCN_MAP/COPY: IOAS_MAP_READ/WRITE/FIXED; SCN_INFO: SCN_INFO_*
 * @ranges: SCN_ALLOW (the new allowed list, none = 0 ranges) and
 *          SCN_EXPECT_USABLE (ascending, disjoint, not touching)
 * @nr_ranges: entries at @ranges
 * @err: SCN_EXPECT_ERR: the positive errno expected
 * @keys: SCN_EXPECT_OK: SCN_KEY_* given
 * @key_iova: SCN_EXPECT_OK: iova= value
 * @key_unmapped: SCN_EXPECT_OK: unmapped= value
 * @bytes: SCN_EXPECT_INFO: the blob expected
 * @nr_bytes: bytes at @bytes
 */
struct scn_cmd {
	enum scn_op op;
	unsigned int line;
	char *text;
	size_t target;
	size_t group;
	struct ioas_region region;
	uint64_t iova;
	uint64_t dst;
	uint64_t len;
	uint64_t va;
	uint32_t flags;
	struct ioas_range *ranges;
	size_t nr_ranges;
	int err;
	uint32_t keys;
	uint64_t key_iova;
	uint64_t key_unmapped;
	uint8_t *bytes;
	size_t nr_bytes;
};

/**
 * struct scn - a parsed, validated scenario
 * @space: the space line (also cmds[0])
 * @cmds: commands in file order; cmds[0] is SCN_SPACE
 * @nr_cmds: number of commands
 * @groups: declared groups, in declaration order
 * @nr_groups: number of groups
 */
struct scn {
	struct scn_space space;
	struct scn_cmd *cmds;
	size_t nr_cmds;
	struct scn_group *groups;
	size_t nr_groups;
};

/**
 * struct scn_diag - why a scenario was rejected
 * @line: 1-based line number
 * @reason: message naming the bad token, NUL-terminated
 */
struct scn_diag {
	unsigned int line;
	char reason[320];
};

/**
 * scn_parse() - parse and validate a scenario
 * @buf: the file's bytes; untrusted, need not be NUL-terminated
 * @len: bytes at @buf
 * @out: receives the scenario on success (free with scn_free())
 * @diag: on -EBADMSG, the line and the reason; may be NULL
 *
 * Return: 0; -EBADMSG for a malformed file; -ENOMEM.
 */
int scn_parse(const char *buf, size_t len, struct scn **out,
	      struct scn_diag *diag);

/* scn_free() - free a scenario; NULL is a no-op. */
void scn_free(struct scn *s);

/* The name of an enum scn_op as written in files ("unmap-all", ...). */
const char *scn_op_name(enum scn_op op);

/*
 * A backend runs the commands that act on a space. Each call returns 0 or
 * -errno, and on failure may fill @why (zeroed by the executor first) with
 * what it knows; an empty @why is fine, the executor then says less.
 */
struct scn_backend_ops {
	const char *name;
	/* Build the space; *@ctx is the backend's state. */
	int (*create)(const struct scn_space *sp, void **ctx,
		      struct ioas_why *why);
	void (*destroy)(void *ctx);
	/* @r: the group's region lines executed so far */
	int (*attach)(void *ctx, const struct scn_group *g,
		      const struct ioas_region *r, size_t nr,
		      struct ioas_why *why);
	int (*detach)(void *ctx, const struct scn_group *g,
		      struct ioas_why *why);
	int (*map)(void *ctx, struct ioas_map_req *req, struct ioas_why *why);
	int (*unmap)(void *ctx, uint64_t iova, uint64_t len, uint64_t *unmapped,
		     struct ioas_why *why);
	int (*unmap_all)(void *ctx, uint64_t *unmapped, struct ioas_why *why);
	int (*allow)(void *ctx, const struct ioas_range *r, size_t nr,
		     struct ioas_why *why);
	int (*copy)(void *ctx, uint64_t src, uint64_t len, uint32_t flags,
		    uint64_t *dst, struct ioas_why *why);
	/* @out is empty on entry; the caller frees it. */
	int (*usable)(void *ctx, struct ioas_range_list *out,
		      struct ioas_why *why);
	/* Optional: 0 if the backend's invariants hold. */
	int (*check)(void *ctx);
	/*
	 * Optional: map (@release false) or drop one user of (@release true)
	 * the MSI doorbell at @phys for a device of @g; on success *@iova is
	 * the address the device writes. NULL: 'doorbell' is -EOPNOTSUPP.
	 */
	int (*doorbell)(void *ctx, const struct scn_group *g, uint64_t phys,
			bool release, uint64_t *iova, struct ioas_why *why);
	/*
	 * Optional: VFIO_IOMMU_GET_INFO ('info'). With @negotiate, ask as a
	 * VMM does (argsz 24, then the argsz the answer asks for) and return
	 * the complete answer (argsz bytes). Else one call with @argsz on a
	 * zeroed buffer of @argsz bytes, and return all of them. @flags:
	 * IOAS_CAP_WITH_RESV to append ioas's cap (a kernel cannot).
	 * *@out is malloc()ed; the caller frees it.
	 */
	int (*vfio_info)(void *ctx, bool negotiate, uint32_t argsz,
			 uint32_t flags, uint8_t **out, size_t *len,
			 struct ioas_why *why);
};

/* libioas's engine (struct ioas_space). */
extern const struct scn_backend_ops scn_engine_backend;

enum scn_status {
	SCN_ST_OK = 1, /* command succeeded ("ok ...") */
	SCN_ST_ERR, /* command failed ("err ERRNO: ...") */
	SCN_ST_USABLE, /* usable succeeded ("usable ...") */
	SCN_ST_PASS, /* expect satisfied ("ok") */
	SCN_ST_FAIL, /* expect not satisfied ("fail: ...") */
	SCN_ST_INFO, /* info succeeded ("info <hex>") */
};

/**
 * struct scn_step - what one command did, for the sink
 * @cmd: the command
 * @status: enum scn_status
 * @err: SCN_ST_ERR: positive errno
 * @keys: SCN_ST_OK: SCN_KEY_* present
 * @iova: SCN_KEY_IOVA value
 * @unmapped: SCN_KEY_UNMAPPED value
 * @usable: SCN_ST_USABLE: the ranges
 * @blob: SCN_ST_INFO: the GET_INFO answer (malloc()ed, freed by the
 *        executor)
 * @blob_len: bytes at @blob
 * @msg: SCN_ST_ERR: the sentence after "err ERRNO: "; SCN_ST_FAIL: the
 *       text after "fail: "; else ""
 * @check_failed: the backend's invariant check failed after this command
 */
struct scn_step {
	const struct scn_cmd *cmd;
	enum scn_status status;
	int err;
	uint32_t keys;
	uint64_t iova;
	uint64_t unmapped;
	struct ioas_range_list usable;
	uint8_t *blob;
	size_t blob_len;
	const char *msg;
	bool check_failed;
};

/**
 * struct scn_exec_opts - how to run
 * @backend: the backend (NULL: the engine)
 * @max_cmds: stop after this many commands (0: no limit)
 * @check: call the backend's check() after every command
 * @emit: called once per executed command, in order; the step and what it
 *        points to are valid during the call only
 * @arg: passed to @emit
 */
struct scn_exec_opts {
	const struct scn_backend_ops *backend;
	size_t max_cmds;
	bool check;
	void (*emit)(void *arg, const struct scn_step *st);
	void *arg;
};

/**
 * struct scn_stats - totals of a run
 * @executed: commands run
 * @passed: expect lines satisfied
 * @failed: expect lines not satisfied
 * @check_failures: commands after which the invariant check failed
 */
struct scn_stats {
	size_t executed;
	size_t passed;
	size_t failed;
	size_t check_failures;
};

/**
 * scn_exec() - run a parsed scenario
 * @s: the scenario
 * @o: options
 * @st: receives the totals
 *
 * Command failures are results, not errors: they are reported through
 * @o->emit and execution goes on.
 *
 * Return: 0; -ENOMEM if the executor itself ran out of memory (the run
 * stops there).
 */
int scn_exec(const struct scn *s, const struct scn_exec_opts *o,
	     struct scn_stats *st);

/*
 * scn_step_format() - the text line of a step, without the newline:
 * "ok iova=0x1000", "err EINVAL: ...", "usable 0x0-0xfff ...", "ok",
 * "info 780000000300...",
 * "fail: expected ..., got ...". @brief drops the sentence after an error
 * ("err EINVAL"), for comparing runs whose backends explain differently.
 */
void scn_step_format(const struct scn_step *st, bool brief, struct obuf *b);

#endif
