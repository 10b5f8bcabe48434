"""Regularization R(W), applied to W only (never to b): its value, its gradient, and its values on a 2-D slice.

    L2: R(W) = sum W^2,   dR/dW = 2 W
    L1: R(W) = sum |W|,   dR/dW = sign(W)   (a subgradient: 0 at W = 0)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Penalty:
    name: str
    value_and_grad: Callable[[np.ndarray, float], tuple[float, np.ndarray]]  # (W, reg) -> (reg R(W), reg dR/dW)
    on_slice: Callable  # (W, d1, d2, alphas, betas, reg) -> (R, R) values of reg R(W + a d1 + b d2)

    def __call__(self, W: np.ndarray, reg: float) -> tuple[float, np.ndarray]:
        return self.value_and_grad(W, reg)


def _l2(W, reg):
    return reg * float(np.vdot(W, W)), 2.0 * reg * W


def _l2_slice(W, d1, d2, alphas, betas, reg):
    # |W + a d1 + b d2|^2 expanded: a quadratic form in (alpha, beta)
    w_w, w_1, w_2 = np.sum(W * W), np.sum(W * d1), np.sum(W * d2)
    d11, d12, d22 = np.sum(d1 * d1), np.sum(d1 * d2), np.sum(d2 * d2)
    a, b = alphas[:, None], betas[None, :]
    return reg * (w_w + 2 * a * w_1 + 2 * b * w_2 + a * a * d11 + 2 * a * b * d12 + b * b * d22)


def _l1(W, reg):
    return reg * float(np.abs(W).sum()), reg * np.sign(W)


def _l1_slice(W, d1, d2, alphas, betas, reg):
    # only C * D entries: evaluate |W + a d1 + b d2| directly
    Wab = W.ravel()[None, None] + alphas[:, None, None] * d1.ravel() + betas[None, :, None] * d2.ravel()
    return reg * np.abs(Wab).sum(axis=2)


def _none(W, reg):
    return 0.0, np.zeros_like(W)


def _none_slice(W, d1, d2, alphas, betas, reg):
    return np.zeros((len(alphas), len(betas)))


PENALTIES = {"l2": Penalty("l2", _l2, _l2_slice), "l1": Penalty("l1", _l1, _l1_slice),
             "none": Penalty("none", _none, _none_slice)}
