"""An isac-sweep plug-in: downlink coverage of a Poisson cellular network.

Installing this package (``pip install examples/cellular``) registers the model ``cellular``
(entry point group ``isac_sweep.models``) and its figure file (group ``isac_sweep.figures``);
select it in ``config/config.yaml`` with ``select: {cellular: all}``.
"""

from pathlib import Path

#: The figure file of paper key ``cellular``.
FIGURES = Path(__file__).resolve().parent / "figures" / "cellular.yaml"
