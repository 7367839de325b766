"""Arena use over the op sequence: each live tensor as a rectangle (ops it spans x its bytes in the arena).

matplotlib is imported here only, with the Agg backend, so `edgekit check` without --plot never loads it.
"""

from __future__ import annotations

import io

from edgekit.analysis.budget import Assessment
from edgekit.analysis.report import live_bytes_per_op


def plot_arena(a: Assessment) -> bytes:
    """A PNG: top, the plan's buffers placed in the arena over the ops; bottom, live bytes per op."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    n_ops = max(len(a.model.operators), 1)
    fig, (ax, ax_live) = plt.subplots(
        2, 1, figsize=(max(8.0, min(0.35 * n_ops, 24.0)), 7.5), sharex=True, height_ratios=(3, 1)
    )
    cmap = plt.get_cmap("tab20")
    for i, b in enumerate(a.plan.buffers):
        ax.add_patch(
            Rectangle(
                (b.first_op - 0.45, b.offset),
                b.last_op - b.first_op + 0.9,
                b.size,
                facecolor=cmap(i % 20),
                edgecolor="black",
                linewidth=0.4,
            )
        )
        if b.size >= 0.04 * max(a.plan.arena_bytes, 1):
            label = f"t{b.tensor}" if b.tensor >= 0 else f"scratch op {b.op}"
            ax.text(
                (b.first_op + b.last_op) / 2,
                b.offset + b.size / 2,
                label,
                ha="center",
                va="center",
                fontsize=7,
            )
    ax.axhline(a.plan.arena_bytes, color="red", linewidth=1, linestyle="--")
    ax.text(
        -0.4,
        a.plan.arena_bytes,
        f" arena {a.plan.arena_bytes:,} B ({a.plan.strategy})",
        va="bottom",
        fontsize=8,
    )
    ax.set_xlim(-0.6, n_ops - 0.4)
    ax.set_ylim(0, max(a.plan.arena_bytes, 1) * 1.08)
    ax.set_ylabel("arena offset (bytes)")
    ax.set_title(f"{a.model.name} on {a.target.id}: arena use per op")

    live = live_bytes_per_op(a)
    ax_live.bar(range(len(live)), live, color="steelblue")
    ax_live.set_ylabel("live bytes")
    ax_live.set_xlabel("op index")
    ax_live.set_xticks(range(len(live)))
    ax_live.set_xticklabels([f"{i}\n{layer.op[:8]}" for i, layer in enumerate(a.cost.layers)], fontsize=6)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100)
    plt.close(fig)
    return out.getvalue()
