# Golden values for tests/test_small_area.py: the Fay-Herriot model fitted in base R, independently of
# queries/small_area.py (no sae package: Debian does not ship it).
#
#   Rscript tests/r/small_area_golden.R          (from the repository root; needs only r-base-core)
#
# Reads tests/r/small_area_inputs.csv (direct estimate y, sampling variance psi, covariates; y NA for an area
# without respondents) and writes tests/r/small_area_golden.csv: per area the EBLUP (synthetic for no respondents)
# and its MSE, and rows for the REML model variance and the coefficients with their SEs.
#
# Method, written from the model, not from our Python: the REML log-likelihood of s2 (Rao and Molina 2015, 6.1.2)
#   l(s2) = -1/2 log|V| - 1/2 log|X'V^-1 X| - 1/2 y'Py,  V = diag(s2 + psi),  P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1
# maximised over s2 >= 0 by uniroot on its derivative dl/ds2 = -1/2 tr(P) + 1/2 y'PPy (the boundary 0 when the
# derivative is negative there); optimize() on l itself gives a second opinion that must agree to 1e-4 relative
# (optimize locates a flat maximum only to about the square root of the machine precision).
# The EBLUP gamma y + (1 - gamma) x'beta, gamma = s2 / (s2 + psi), and its MSE g1 + g2 + 2 g3 (Prasad-Rao with the
# REML term of Datta and Lahiri 2000); an area without respondents: x'beta with MSE s2 + x'(X'V^-1 X)^-1 x.

args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args) >= 1) args[1] else "tests/r/small_area_inputs.csv"
output <- if (length(args) >= 2) args[2] else "tests/r/small_area_golden.csv"

d <- read.csv(input, stringsAsFactors = FALSE)
covariates <- c("share_16_29", "share_70_plus", "share_women", "log_population_16plus")
X_all <- cbind(1, as.matrix(d[, covariates]))
s <- !is.na(d$y_direct)
y <- d$y_direct[s]
psi <- d$psi[s]
X <- X_all[s, , drop = FALSE]

P_of <- function(s2) {
  Vi <- diag(1 / (s2 + psi))
  A <- t(X) %*% Vi %*% X
  Vi - Vi %*% X %*% solve(A, t(X) %*% Vi)
}
loglik <- function(s2) {
  v <- s2 + psi
  Vi <- diag(1 / v)
  A <- t(X) %*% Vi %*% X
  P <- P_of(s2)
  -0.5 * sum(log(v)) - 0.5 * as.numeric(determinant(A, logarithm = TRUE)$modulus) -
    0.5 * as.numeric(t(y) %*% P %*% y)
}
score <- function(s2) {
  P <- P_of(s2)
  Py <- P %*% y
  -0.5 * sum(diag(P)) + 0.5 * sum(Py * Py)
}

upper <- 10 * var(y) + max(psi)
if (score(0) <= 0) {
  s2 <- 0
} else {
  s2 <- uniroot(score, c(0, upper), tol = 1e-15, maxiter = 1000)$root
}
second <- optimize(loglik, c(0, upper), maximum = TRUE, tol = 1e-12)$maximum
if (abs(second - s2) > 1e-4 * max(s2, 1e-8)) stop(sprintf("uniroot %.10g and optimize %.10g disagree", s2, second))

v <- s2 + psi
Vi <- diag(1 / v)
A_inv <- solve(t(X) %*% Vi %*% X)
beta <- A_inv %*% t(X) %*% Vi %*% y
synthetic <- as.vector(X_all %*% beta)
leverage <- rowSums((X_all %*% A_inv) * X_all)
gamma <- s2 / v
v_bar <- 2 / sum(v^-2)
estimate <- synthetic
estimate[s] <- gamma * y + (1 - gamma) * synthetic[s]
mse <- s2 + leverage
mse[s] <- gamma * psi + (1 - gamma)^2 * leverage[s] + 2 * psi^2 / v^3 * v_bar

areas <- data.frame(kind = "area", name = as.character(d$municipality_code), estimate = estimate, mse = mse,
                    stringsAsFactors = FALSE)
params <- data.frame(kind = c("sigma2_v", rep("beta", length(beta))),
                     name = c("sigma2_v", "intercept", covariates),
                     estimate = c(s2, as.vector(beta)),
                     mse = c(NA, diag(A_inv)), stringsAsFactors = FALSE)
out <- rbind(params, areas)
out$estimate <- sprintf("%.15g", out$estimate)
out$mse <- ifelse(is.na(out$mse), "", sprintf("%.15g", out$mse))
write.csv(out, output, row.names = FALSE, quote = FALSE)
