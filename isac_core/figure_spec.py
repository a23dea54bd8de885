"""A validated figure, :class:`FigureSpec`: what to compute, where, and how to show and check it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from .axes import Axis
from .models import get_model

__all__ = ["FigureSpec", "n_trials_for"]




@dataclass(frozen=True)
class FigureSpec:
    """A validated figure: what to compute, where, and how to show and check it."""

    paper: str
    key: str
    model_key: str
    title: str
    caption: str
    metrics: tuple[str, ...]
    axes: tuple[Axis, ...]
    fixed: dict
    derived: dict
    mc_enabled: bool
    mc_at: dict
    n_trials: int
    batch_size: int
    chunk_size: int
    seed: int
    plot: dict = field(default_factory=dict)
    #: Sequential allocation (``{"absolute": se, "relative": r}``): batches run in order until the
    #: standard error at a marker is <= absolute + relative |estimate| or ``n_trials`` is reached.
    #: Empty: every marker gets exactly ``n_trials``.
    precision: dict = field(default_factory=dict)
    checks: tuple = ()
    agreement: dict = field(default_factory=dict)
    source: str = ""
    paper_title: str = ""
    paper_reference: str = ""
    inventory: tuple = ()

    @property
    def name(self) -> str:
        return f"{self.paper}/{self.key}"

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.values.size for a in self.axes)

    @property
    def model(self):
        return get_model(self.model_key)

    def axis(self, name) -> Axis:
        return next(a for a in self.axes if a.name == name)

    def to_dict(self) -> dict:
        """JSON-able form (round-trips through :meth:`from_dict`)."""
        return {
            "paper": self.paper,
            "key": self.key,
            "model": self.model_key,
            "title": self.title,
            "caption": self.caption,
            "metrics": list(self.metrics),
            "axes": [a.to_dict() for a in self.axes],
            "fixed": dict(self.fixed),
            "derived": dict(self.derived),
            "mc": {
                "enabled": self.mc_enabled,
                "at": {k: [float(v) for v in vals] for k, vals in self.mc_at.items()},
                "n_trials": self.n_trials,
                "batch_size": self.batch_size,
                **({"precision": dict(self.precision)} if self.precision else {}),
            },
            "chunk_size": self.chunk_size,
            "seed": self.seed,
            "plot": self.plot,
            "checks": list(self.checks),
            "agreement": dict(self.agreement),
            "source": self.source,
            "paper_title": self.paper_title,
            "paper_reference": self.paper_reference,
            "inventory": [dict(i) for i in self.inventory],
        }

    @classmethod
    def from_dict(cls, d) -> FigureSpec:
        return cls(
            paper=d["paper"],
            key=d["key"],
            model_key=d["model"],
            title=d["title"],
            caption=d.get("caption", ""),
            metrics=tuple(d["metrics"]),
            axes=tuple(Axis.from_dict(a) for a in d["axes"]),
            fixed=dict(d["fixed"]),
            derived=dict(d["derived"]),
            mc_enabled=d["mc"]["enabled"],
            mc_at={k: np.asarray(v, float) for k, v in d["mc"]["at"].items()},
            n_trials=d["mc"]["n_trials"],
            batch_size=d["mc"]["batch_size"],
            precision=dict(d["mc"].get("precision", {})),
            chunk_size=d["chunk_size"],
            seed=d["seed"],
            plot=d.get("plot", {}),
            checks=tuple(d.get("checks", ())),
            agreement=dict(d.get("agreement", {})),
            source=d.get("source", ""),
            paper_title=d.get("paper_title", ""),
            paper_reference=d.get("paper_reference", ""),
            inventory=tuple(d.get("inventory", ())),
        )

    def config_hash(self) -> str:
        """SHA-256 of what the figure's numbers depend on.

        Model, metrics, grid, fixed and derived parameters, Monte Carlo settings and
        seed; not the titles, plot, checks, agreement allowances, the paper's
        inventory or chunking, which change no number.
        """
        d = self.to_dict()
        for key in ("title", "caption", "plot", "checks", "agreement", "chunk_size", "source",
                    "paper_title", "paper_reference", "inventory"):
            d.pop(key)
        for axis in d["axes"]:
            axis.pop("display_units")
        text = json.dumps(d, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def n_trials_for(target_se: float) -> int:
    """Trials such that a probability's standard error is <= target_se for any p."""
    return int(np.ceil(0.25 / target_se**2))


