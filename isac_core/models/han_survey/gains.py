r"""Gain constants ``|zeta_a|^2`` (AoA, eq. (13)) and ``|zeta_r|^2`` (ToF, eq. (16)) of the survey.

The survey calls them "common gains" and gives no expression; this module uses
textbook deterministic CRBs with a known waveform (docs/errata.md; none of the
constants below is stated in the paper).

Per-link SNR (per receive element, over ``L`` snapshots), transmitter ``j`` ->
target -> receiver ``i``:

    SNR_ij = (P_BS G_t g_0 L / sigma^2) d_j^-2 d_i^-2,
    g_0 = gamma_0^2 4 pi sigma_RCS / lambda_c^2 = lambda_c^2 sigma_RCS / (4 pi)^3   [m^4]

(:func:`radar_constant`), with ``gamma_0 = (lambda_c / 4 pi)^2`` the one-way channel
power at 1 m, ``G_t = M_t`` the coherent transmit beamforming gain and ``P_BS`` the
radiated power per BS: ``P`` under the per-BS cap (``power_model="P"``) and
``M_t P`` when the power grows with the antennas (``power_model="MtP"``). Write
``K_0 = P g_0 L / sigma^2`` [m^4] (:func:`snr_constant`).

* AoA: a ULA of ``M_r`` elements at half-wavelength spacing, axis along y, has
  ``var(theta_ij) = 6 / (pi^2 cos^2 theta_i M_r (M_r^2 - 1) SNR_ij)``, so

      |zeta_a|^2 = xi (pi^2 / 6) M_r (M_r^2 - 1) G_t (P_BS / P) K_0     [m^4],

  with a calibration factor ``xi`` (3, calibrated; 1 is the textbook value).
  ``M_r = 1`` gives 0: one antenna measures no angle.
* ToF: range CRB with coherent combining over ``M_r`` elements,
  ``eta_ij^2 = c^2 / (8 pi^2 B_rms^2 M_r SNR_ij)``, ``B_rms = B / sqrt(12)``
  (flat spectrum of width ``B``, :func:`rms_bandwidth`), so

      |zeta_r|^2 = (8 pi^2 B_rms^2 / c^2) M_r G_t (P_BS / P) K_0        [m^2].

With ``M = M_t = M_r`` the ratio is ``|zeta_r|^2 / |zeta_a|^2 = 4 B^2 / (xi c^2 (M^2 - 1))``
whatever the power model, and the ``"MtP"`` gains are exactly ``M`` times the
``"P"`` gains. Carrier, ``P``, RCS, ``L`` and ``sigma^2`` enter only through the common
scale ``K_0``. With these units the FIMs ``|zeta_a|^2 S_2 G`` and
``|zeta_r|^2 (2 S E + 2 v v^T)`` (distances in m, ``beta = 2``) are in m^-2 and
their inverse traces in m^2.

Defaults (docs/errata.md): ``B = 10 MHz``, ``f_c = 3.5 GHz``, ``sigma^2 = -100 dBm``,
``sigma_RCS = 1 m^2``, ``P = 1 W``, ``L = 1``, ``xi = 3``; then
``g_0 = 3.697e-6 m^4`` and ``K_0 = 3.697e7 m^4``.
"""

from __future__ import annotations

import numpy as np

from ...units import dbm_to_watt
from ...validation import positive

__all__ = [
    "SPEED_OF_LIGHT",
    "POWER_MODELS",
    "DEFAULT_XI",
    "DEFAULT_BANDWIDTH",
    "DEFAULT_CARRIER",
    "DEFAULT_NOISE",
    "DEFAULT_RCS",
    "DEFAULT_POWER",
    "DEFAULT_SNAPSHOTS",
    "wavelength",
    "rms_bandwidth",
    "radar_constant",
    "snr_constant",
    "gain_constants",
]

#: Speed of light [m/s].
SPEED_OF_LIGHT = 299_792_458.0
#: ``"P"``: fixed radiated power per BS; ``"MtP"``: radiated power ``M_t P`` per BS.
POWER_MODELS = ("P", "MtP")

#: AoA information calibration factor ``xi`` [1] (calibrated, not stated in the paper).
DEFAULT_XI = 3.0
#: Signal bandwidth ``B`` [Hz] (stated).
DEFAULT_BANDWIDTH = 10e6
#: Carrier frequency ``f_c`` [Hz] (not stated in the paper).
DEFAULT_CARRIER = 3.5e9
#: Noise power ``sigma_s^2`` [W]: the paper's "-100 dB" read as -100 dBm.
DEFAULT_NOISE = dbm_to_watt(-100.0)
#: Radar cross-section ``sigma_RCS`` [m^2] (not stated in the paper).
DEFAULT_RCS = 1.0
#: Power ``P`` [W]: per BS (``"P"``) or per transmit antenna (``"MtP"``) (not stated in the paper).
DEFAULT_POWER = 1.0
#: Snapshots ``L`` [1] (not stated in the paper).
DEFAULT_SNAPSHOTS = 1.0


def wavelength(carrier=DEFAULT_CARRIER):
    """Carrier wavelength ``lambda_c = c / f_c`` [m] for a carrier ``f_c`` [Hz]."""
    return (SPEED_OF_LIGHT / positive(carrier, "carrier"))[()]


def rms_bandwidth(bandwidth=DEFAULT_BANDWIDTH):
    """RMS (Gabor) bandwidth ``B / sqrt(12)`` [Hz] of a flat spectrum of width ``B`` [Hz]."""
    return (positive(bandwidth, "bandwidth") / np.sqrt(12.0))[()]


def radar_constant(carrier=DEFAULT_CARRIER, rcs=DEFAULT_RCS):
    r"""Two-way radar constant ``g_0 = lambda_c^2 sigma_RCS / (4 pi)^3`` [m^4].

    ``g_0 = gamma_0^2 4 pi sigma_RCS / lambda_c^2`` with ``gamma_0 = (lambda_c / 4 pi)^2``;
    the received power of the bistatic link is ``P_t G_t g_0 / (d_j^2 d_i^2)``.

    Parameters
    ----------
    carrier : float
        Carrier frequency [Hz].
    rcs : float
        Radar cross-section [m^2].

    Returns
    -------
    float
        ``g_0`` [m^4] (3.697e-6 at 3.5 GHz and 1 m^2).
    """
    lam = wavelength(carrier)
    return (lam * lam * positive(rcs, "rcs") / (4.0 * np.pi) ** 3)[()]


def snr_constant(power=DEFAULT_POWER, noise=DEFAULT_NOISE, snapshots=DEFAULT_SNAPSHOTS,
                 carrier=DEFAULT_CARRIER, rcs=DEFAULT_RCS):
    r"""SNR scale ``K_0 = P g_0 L / sigma^2`` [m^4].

    Parameters
    ----------
    power : float
        ``P`` [W].
    noise : float
        Noise power ``sigma_s^2`` [W].
    snapshots : float
        ``L`` [1].
    carrier : float
        Carrier frequency [Hz].
    rcs : float
        Radar cross-section [m^2].

    Returns
    -------
    float
        ``K_0`` [m^4] (3.697e7 with the defaults).
    """
    g0 = radar_constant(carrier, rcs)
    k0 = positive(power, "power") * g0 * positive(snapshots, "snapshots") / positive(noise, "noise")
    return k0[()]


def gain_constants(M, power_model="P", *, xi=DEFAULT_XI, bandwidth=DEFAULT_BANDWIDTH, carrier=DEFAULT_CARRIER,
                   noise=DEFAULT_NOISE, rcs=DEFAULT_RCS, power=DEFAULT_POWER, snapshots=DEFAULT_SNAPSHOTS):
    r"""AoA and ToF gain constants ``(|zeta_a|^2, |zeta_r|^2)`` for ``M = M_t = M_r`` antennas per BS.

    .. math:: |\zeta_a|^2 = \xi \frac{\pi^2}{6} M (M^2 - 1)\, M\, \rho\, K_0,\qquad
              |\zeta_r|^2 = \frac{8\pi^2 B_{rms}^2}{c^2} M\, M\, \rho\, K_0,

    with the transmit gain ``G_t = M`` and ``rho = P_BS / P`` = 1 (``"P"``) or ``M``
    (``"MtP"``).

    Parameters
    ----------
    M : array_like
        Antennas per BS (>= 1; non-integers are accepted and evaluated by the formula).
    power_model : {"P", "MtP"}
        Fixed radiated power per BS, or power proportional to the transmit antennas.
    xi : float
        AoA information calibration factor [1] (>= 0).
    bandwidth : float
        ``B`` [Hz].
    carrier : float
        ``f_c`` [Hz].
    noise : float
        ``sigma_s^2`` [W].
    rcs : float
        ``sigma_RCS`` [m^2].
    power : float
        ``P`` [W] (per BS for ``"P"``, per antenna for ``"MtP"``).
    snapshots : float
        ``L`` [1].

    Returns
    -------
    zeta_a2 : ndarray
        ``|zeta_a|^2`` [m^4] (0 at ``M = 1``).
    zeta_r2 : ndarray
        ``|zeta_r|^2`` [m^2].
    """
    if power_model not in POWER_MODELS:
        raise ValueError(f"power_model must be one of {POWER_MODELS}, got {power_model!r}")
    M = np.asarray(M, dtype=float)
    if np.any(~(M >= 1.0)) or np.any(~np.isfinite(M)):
        raise ValueError("M (antennas per BS) must be finite and >= 1")
    xi = float(xi)
    if not (np.isfinite(xi) and xi >= 0.0):
        raise ValueError(f"xi must be finite and >= 0, got {xi!r}")
    k0 = snr_constant(power, noise, snapshots, carrier, rcs)
    b_rms = rms_bandwidth(bandwidth)
    scale = M * k0 * (M if power_model == "MtP" else 1.0)  # G_t (P_BS / P) K_0
    zeta_a2 = xi * (np.pi**2 / 6.0) * M * (M * M - 1.0) * scale
    zeta_r2 = 8.0 * np.pi**2 * b_rms**2 / SPEED_OF_LIGHT**2 * M * scale
    return zeta_a2[()], zeta_r2[()]
