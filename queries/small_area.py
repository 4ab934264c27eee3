"""The Fay-Herriot area-level model: the last step of queries/municipal_participation.sql (docs/small-area.md).

Why Python: the SQL file computes everything that is a sum over respondents or registers (the direct estimates and
their SEs with the product's domain estimator, the smoothed sampling variances, the covariates). What is left is a
REML fit of one variance by Fisher scoring, each step a weighted least squares fit with 98 rows and a 5 x 5 matrix
inverse, then the EBLUP and its MSE: an iteration of small matrix products, which SQL has no loop or matrix
inverse for. numpy does it in about a millisecond per wave.

The model (Rao and Molina, Small Area Estimation, 2nd ed. 2015, section 6.1; Fay and Herriot 1979), for the m areas
with respondents:

    y_i = theta_i + e_i,  theta_i = x_i' beta + v_i,  v_i ~ N(0, s2),  e_i ~ N(0, psi_i),  psi_i known

y_i the direct estimate, psi_i its (smoothed) sampling variance, x_i the area covariates with an intercept.

- s2 by REML (section 6.1.2): Fisher scoring s2 <- s2 + S(s2) / I(s2) on the restricted likelihood with
  score S = -tr(P)/2 + y'PPy/2 and information I = tr(PP)/2, P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1,
  V = diag(s2 + psi_i); truncated at 0 (a REML estimate on the boundary is 0, and the EBLUP then is synthetic).
- beta by weighted least squares with V (section 6.1.1); the EBLUP (section 6.1.1 with s2 estimated, 6.1.2):
  theta_i = gamma_i y_i + (1 - gamma_i) x_i' beta,  gamma_i = s2 / (s2 + psi_i).
- MSE (section 6.2.1): the second-order unbiased estimator for REML (Prasad and Rao 1990, Datta and Lahiri 2000):
  mse_i = g1_i + g2_i + 2 g3_i with g1_i = gamma_i psi_i, g2_i = (1 - gamma_i)^2 x_i' (X'V^-1 X)^-1 x_i,
  g3_i = psi_i^2 / (s2 + psi_i)^3 * Vbar,  Vbar = 2 / sum_j (s2 + psi_j)^-2 (the asymptotic variance of the REML s2).
  (The book's equation numbers are not quoted here: the formulas are stated in full instead.)
- An area without respondents (section 6.2, non-sampled areas): the synthetic estimate x_i' beta with
  MSE s2 + x_i' (X'V^-1 X)^-1 x_i.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .catalog import QueryError, z_95

COVARIATES = ("share_16_29", "share_70_plus", "share_women", "log_population_16plus")
RESULT_COLUMNS = ("year", "municipality_code", "municipality_name", "region_code", "estimate", "rmse", "ci_low",
                  "ci_high", "gamma", "direct_estimate", "direct_se", "direct_ci_low", "direct_ci_high", "n", "direct_flag",
                  "flag")
MAX_ITERATIONS = 500
TOLERANCE = 1e-10  # on the change of s2 relative to max(s2, mean psi); the score itself is exact to about 1e-12


@dataclass
class FayHerriotFit:
    """One wave's model: REML s2, beta with its covariance, and per area the EBLUP, its MSE and gamma."""
    sigma2_v: float
    beta: np.ndarray
    beta_cov: np.ndarray
    iterations: int
    sampled: np.ndarray  # True for an area with a direct estimate
    estimate: np.ndarray
    mse: np.ndarray
    gamma: np.ndarray
    synthetic: np.ndarray  # x_i' beta
    g1: np.ndarray
    g2: np.ndarray
    g3: np.ndarray


def _gls(X: np.ndarray, y: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """beta = (X'V^-1 X)^-1 X'V^-1 y, (X'V^-1 X)^-1 and P y for V = diag(v)."""
    Xw = X / v[:, None]
    A_inv = np.linalg.inv(X.T @ Xw)
    beta = A_inv @ (Xw.T @ y)
    Py = (y - X @ beta) / v
    return beta, A_inv, Py


def reml_sigma2(y: np.ndarray, psi: np.ndarray, X: np.ndarray) -> tuple[float, int]:
    """The REML estimate of the model variance s2 by Fisher scoring (Rao and Molina 2015, section 6.1.2)."""
    m, p = X.shape
    if m <= p:
        raise ValueError(f"the Fay-Herriot model needs more areas with respondents ({m}) than parameters ({p})")
    s2 = float(np.median(psi))
    scale = max(float(np.mean(psi)), 1e-300)
    for iteration in range(1, MAX_ITERATIONS + 1):
        v = s2 + psi
        _, A_inv, Py = _gls(X, y, v)
        # P = V^-1 - V^-1 X A^-1 X' V^-1, with A = X'V^-1 X
        Vinv = np.diag(1.0 / v)
        Xw = X / v[:, None]
        P = Vinv - Xw @ A_inv @ Xw.T
        score = -0.5 * np.trace(P) + 0.5 * float(Py @ Py)
        information = 0.5 * float(np.sum(P * P))  # tr(PP), P symmetric
        new = max(s2 + score / information, 0.0)
        if abs(new - s2) <= TOLERANCE * max(new, scale):
            return new, iteration
        s2 = new
    raise ValueError(f"REML did not converge in {MAX_ITERATIONS} Fisher scoring steps (last s2 {s2:.6g})")


def fit(y: np.ndarray, psi: np.ndarray, X: np.ndarray) -> FayHerriotFit:
    """Fit the model to the areas where y and psi are given; every area (row of X) gets an estimate and its MSE.

    y, psi: per area, NaN for an area without respondents; X: per area the covariates with an intercept column."""
    y, psi, X = np.asarray(y, float), np.asarray(psi, float), np.asarray(X, float)
    sampled = ~np.isnan(y) & ~np.isnan(psi)
    if np.any(psi[sampled] <= 0):
        raise ValueError("every sampling variance psi must be positive")
    ys, ps, Xs = y[sampled], psi[sampled], X[sampled]
    s2, iterations = reml_sigma2(ys, ps, Xs)
    v = s2 + ps
    beta, A_inv, _ = _gls(Xs, ys, v)
    synthetic = X @ beta
    leverage = np.einsum("ij,jk,ik->i", X, A_inv, X)  # x_i' (X'V^-1 X)^-1 x_i
    gamma = np.zeros(len(y))
    g1, g2, g3 = np.zeros(len(y)), leverage.copy(), np.zeros(len(y))
    gamma[sampled] = s2 / v
    v_bar = 2.0 / np.sum(v ** -2.0)  # asymptotic variance of the REML s2
    g1[sampled] = gamma[sampled] * ps
    g2[sampled] = (1.0 - gamma[sampled]) ** 2 * leverage[sampled]
    g3[sampled] = ps ** 2 / v ** 3 * v_bar
    estimate = synthetic.copy()
    estimate[sampled] = gamma[sampled] * ys + (1.0 - gamma[sampled]) * synthetic[sampled]
    mse = np.where(sampled, g1 + g2 + 2.0 * g3, s2 + leverage)
    return FayHerriotFit(s2, beta, A_inv, iterations, sampled, estimate, mse, gamma, synthetic, g1, g2, g3)


def design_matrix(data: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """The intercept and the covariates of queries/municipal_participation.sql's rows, without a covariate that is
    a linear combination of the intercept and the covariates before it over the areas with respondents (e.g. an age
    share that is the same everywhere, as in a test fixture): it carries no information and would make X'V^-1 X
    singular. Returns the matrix and the names of its columns."""
    sampled = data["y_direct"].notna().to_numpy()
    names, columns = ["intercept"], [np.ones(len(data))]
    for c in COVARIATES:
        x = data[c].to_numpy(float)
        trial = np.column_stack(columns + [x])[sampled]
        scaled = trial / np.maximum(np.abs(trial).max(axis=0), 1e-300)
        if np.linalg.matrix_rank(scaled, tol=1e-8) == len(columns) + 1:
            names.append(c)
            columns.append(x)
    return np.column_stack(columns), names


def _check_inputs(wave: pd.DataFrame) -> None:
    missing = wave[wave[list(COVARIATES)].isna().any(axis=1)]
    if len(missing):
        r = missing.iloc[0]
        raise QueryError(f"municipal_participation: year {int(r.year)}: no population figures for municipality "
                         f"{int(r.municipality_code)} ({r.municipality_name}); the population table must cover all "
                         "98 municipalities")


def fit_wave(wave: pd.DataFrame) -> tuple[FayHerriotFit, list[str]]:
    """The model fitted to one wave's rows of the SQL file, and the names of the columns of its design matrix."""
    _check_inputs(wave)
    X, names = design_matrix(wave)
    sampled = int(wave["y_direct"].notna().sum())
    if sampled <= len(names):
        raise QueryError(f"municipal_participation: year {int(wave.year.iloc[0])}: {sampled} municipalities with "
                         f"respondents; the model needs more than its {len(names)} parameters")
    return fit(wave["y_direct"].to_numpy(float), wave["psi"].to_numpy(float), X), names


def finish(data: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The metric's rows from the SQL file's rows: per wave, the model estimate, its RMSE and interval, gamma and
    the flag beside the direct estimate as the survey rules show it."""
    z = z_95()
    out = []
    for _, wave in data.groupby("year", sort=True):
        wave = wave.reset_index(drop=True)
        f, _ = fit_wave(wave)
        rmse = np.sqrt(f.mse)
        est = f.estimate
        out.append(wave.assign(
            estimate=est, rmse=rmse, ci_low=np.clip(est - z * rmse, 0.0, 1.0),
            ci_high=np.clip(est + z * rmse, 0.0, 1.0), gamma=f.gamma,
            flag=np.where(f.sampled, "model", "synthetic")))
    if not out:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RESULT_COLUMNS})
    return pd.concat(out, ignore_index=True)[list(RESULT_COLUMNS)]
