# Golden values for tests/test_queries_change.py: changes between survey waves and contrasts within a wave, computed
# with R's survey package.
#
#   Rscript tests/r/change_golden.R          (from the repository root; needs r-cran-survey)
#
# Reads the fixture survey (tests/fixtures/raw/survey_respondents.csv) and a second synthetic survey with unequal
# weights (tests/r/change_survey.csv), derives age_group as the ETL does and region from
# data/reference/municipalities.csv. Each wave is its own design svydesign(ids = ~1, weights = ~weight). For the
# participation rate (volunteered) and hours per month among volunteers (domain: volunteered == 1 with an answer), by
# total, gender, age group and region it writes
#   change:   every pair of waves y1 < y2 and category: estimate(y2) - estimate(y1), se = sqrt(se1^2 + se2^2) of the
#             svyby domain estimates (independent samples);
#   scaled changes: for the number of volunteers (rate x population 16+), total hours per year (mean hours per month
#             per resident x 12 x population) and full-time equivalents (that / 1924), by the same breakdowns and
#             pairs of waves with a population (tests/fixtures/raw/population.csv, tests/r/change_population.csv;
#             a register figure, fixed): P2 f m2 - P1 f m1 and se = sqrt((P2 f se2)^2 + (P1 f se1)^2);
#   share changes: for the shares of the volunteers by area (base volunteers, and base population as
#             area_share_population), organisation form and recruitment, per code: svymean of the 0/1 answer over the
#             question's domain in each wave, the difference and sqrt(se1^2 + se2^2);
#   share contrasts: per wave, share metric and answer code, each category of gender and region against everyone in
#             the question's domain and against the breakdown's first category (column answer: the code);
#   contrast: per wave, breakdown (gender, age group, region) and category, the category minus a reference of the
#             same design: every other category, with svyby(..., covmat = TRUE) + svycontrast(b, c(1, -1)); and the
#             whole population (reference 'all'), with svytotal of the domain sums and the ratio contrast
#             svycontrast(t, quote(y_c / d_c - y / d)) (delta method on the same design). As a check the script
#             also computes each category contrast this second way and stops if the two ways disagree (SEs to
#             1e-9 relative, plus 1e-6 absolute for domains whose answers are all equal, where svyby says 0 and the
#             delta method leaves rounding noise).
# to tests/r/change_golden.csv.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
output <- if (length(args) >= 1) args[1] else "tests/r/change_golden.csv"
inputs <- c(fixture = "tests/fixtures/raw/survey_respondents.csv", unequal = "tests/r/change_survey.csv")
populations <- c(fixture = "tests/fixtures/raw/population.csv", unequal = "tests/r/change_population.csv")
hours_per_fte <- 1924

read_contract <- function(path) {
  lines <- readLines(path, encoding = "UTF-8")
  while (length(lines) > 0 && startsWith(lines[1], "#")) lines <- lines[-1]
  read.csv(text = paste(lines, collapse = "\n"), stringsAsFactors = FALSE, na.strings = "")
}
munis <- read.csv("data/reference/municipalities.csv", stringsAsFactors = FALSE)

rows <- list()
# answer: the code of a share metric's question a contrast is of (empty for the other rows)
add <- function(..., answer = NA) rows[[length(rows) + 1]] <<- data.frame(..., answer = answer, stringsAsFactors = FALSE)

# domain estimates of one wave: svyby for a breakdown, svymean for the total
domain_estimates <- function(design, metric, dim) {
  v <- design$variables
  if (metric == "participation_rate") {
    f <- ~volunteered; d <- design; in_dom <- rep(TRUE, nrow(v))
  } else if (metric == "hours_per_month") {
    f <- ~hours_per_month; d <- subset(design, volunteered == 1 & !is.na(hours_per_month))
    in_dom <- v$volunteered == 1 & !is.na(v$hours_per_month)
  } else {  # hours per month per resident: 0 for non-volunteers, volunteers without an hours answer left out
    d <- update(design, hours_resident = ifelse(volunteered == 1, hours_per_month, 0))
    d <- subset(d, volunteered == 0 | !is.na(hours_per_month)); f <- ~hours_resident
    in_dom <- v$volunteered == 0 | !is.na(v$hours_per_month)
  }
  cats_all <- design$variables[[dim]]
  if (dim == "total") {
    m <- svymean(f, d, na.rm = TRUE)
    return(list(est = data.frame(category = "all", estimate = coef(m)[[1]], se = SE(m)[[1]],
                                 n = sum(in_dom), stringsAsFactors = FALSE), by = NULL))
  }
  b <- svyby(f, as.formula(paste0("~", dim)), d, svymean, na.rm = TRUE, covmat = TRUE)
  cats <- as.character(b[[dim]])
  est <- data.frame(category = cats, estimate = unname(coef(b)), se = unname(SE(b)),
                    n = sapply(cats, function(c) sum(in_dom & cats_all == c)), stringsAsFactors = FALSE)
  list(est = est, by = b)
}

# the labelled questions of the share metrics: metric -> labels dimension (area_share_population: base population)
share_metrics <- c(area_share = "area", area_share_population = "area", organisation_form_share = "organisation_form",
                   recruitment_share = "recruited")
label_codes <- read.csv("data/reference/labels.csv", stringsAsFactors = FALSE)
label_codes <- label_codes[order(label_codes$sort_order), ]

# the 0/1 answer y and the domain of one code of a share metric, over the rows of design
share_answer <- function(v, metric, code) {
  dim <- share_metrics[[metric]]
  if (dim == "area") {
    answer <- v[[paste0("area_", code)]]
    if (metric == "area_share") {
      dom <- v$volunteered == 1 & !is.na(answer); y <- answer
    } else {
      dom <- v$volunteered == 0 | !is.na(answer); y <- ifelse(v$volunteered == 1, answer, 0)
    }
  } else {
    answer <- v[[dim]]
    dom <- v$volunteered == 1 & !is.na(answer); y <- as.numeric(answer == code)
  }
  y[!dom] <- 0  # outside the domain (weight 0 after subset): no NA for na.rm to drop
  list(y = y, dom = dom)
}

# one wave's shares: per code of the question, svymean of the 0/1 answer over the question's domain (the volunteers who
# answered; for area_share_population every respondent, a non-volunteer counting as not active)
share_estimates <- function(design, metric) {
  v <- design$variables
  dim <- share_metrics[[metric]]
  codes <- label_codes$code[label_codes$dimension == dim]
  do.call(rbind, lapply(codes, function(code) {
    a <- share_answer(v, metric, code); y <- a$y; dom <- a$dom
    d <- subset(update(design, y_share = y, in_domain = dom), in_domain)
    m <- svymean(~y_share, d)
    data.frame(category = code, estimate = coef(m)[[1]], se = SE(m)[[1]], n = sum(dom), stringsAsFactors = FALSE)
  }))
}

# category minus the whole population (or a category), as a ratio contrast of totals of the same design
ratio_contrast <- function(design, metric, dim, cat, ref) {
  v <- design$variables
  dom <- if (metric == "participation_rate") rep(1, nrow(v)) else
    as.numeric(v$volunteered == 1 & !is.na(v$hours_per_month))
  y <- if (metric == "participation_rate") v$volunteered else ifelse(dom == 1, v$hours_per_month, 0)
  in_ref <- if (ref == "all") rep(1, nrow(v)) else as.numeric(v[[dim]] == ref)
  design <- update(design, yc = y * dom * (v[[dim]] == cat), dc = dom * (v[[dim]] == cat),
                   yr = y * dom * in_ref, dr = dom * in_ref)
  t <- svytotal(~yc + dc + yr + dr, design)
  svycontrast(t, quote(yc / dc - yr / dr))
}

for (survey_name in names(inputs)) {
  d <- read_contract(inputs[[survey_name]])
  d$age_group <- as.character(cut(d$age, breaks = c(-Inf, 29, 39, 49, 59, 69, Inf), right = TRUE,
                                  labels = c("16-29", "30-39", "40-49", "50-59", "60-69", "70+")))
  d$region <- as.character(munis$regionskode[match(d$municipality_code, munis$kommunekode)])
  d$total <- "all"
  years <- sort(unique(d$year))
  designs <- lapply(years, function(y) svydesign(ids = ~1, weights = ~weight, data = d[d$year == y, ]))
  names(designs) <- years

  # residents 16+ per (year, category): a register figure, fixed
  pop <- read_contract(populations[[survey_name]])
  pop <- pop[pop$age_group != "0-15", ]
  pop$region <- as.character(munis$regionskode[match(pop$municipality_code, munis$kommunekode)])
  pop$total <- "all"
  population_of <- function(year, dim, cat) sum(pop$persons[pop$year == year & pop[[dim]] == cat])

  # counts and totals over the population (volunteers, hours per year, full-time equivalents): the domain mean times
  # population x factor in each wave; a change between waves P2 f m2 - P1 f m1, se sqrt((P2 f se2)^2 + (P1 f se1)^2)
  scaled <- list(volunteers_count = list(base = "participation_rate", factor = 1),
                 total_hours_per_year = list(base = "hours_per_resident", factor = 12),
                 fte = list(base = "hours_per_resident", factor = 12 / hours_per_fte))
  for (metric in names(scaled)) {
    for (dim in c("total", "gender", "age_group", "region")) {
      per_wave <- lapply(designs, function(des) domain_estimates(des, scaled[[metric]]$base, dim)$est)
      f <- scaled[[metric]]$factor
      for (i in seq_along(years)) for (j in seq_along(years)) if (years[i] < years[j]) {
        if (!(years[i] %in% pop$year && years[j] %in% pop$year)) next
        a <- per_wave[[j]]; b <- per_wave[[i]]
        for (cat in intersect(a$category, b$category)) {
          ea <- a[a$category == cat, ]; eb <- b[b$category == cat, ]
          pa <- population_of(years[j], dim, cat) * f; pb <- population_of(years[i], dim, cat) * f
          add(survey = survey_name, kind = "change", metric = metric, dimension = dim, category = cat,
              year = years[j], other = as.character(years[i]), estimate = pa * ea$estimate - pb * eb$estimate,
              se = sqrt((pa * ea$se)^2 + (pb * eb$se)^2), n = ea$n, n_other = eb$n)
        }
      }
    }
  }

  # shares of the volunteers (stacked questions): per code, the weighted share in the question's domain, as
  # svymean(~y, subset(design, domain)); the change between waves as for the rates, sqrt(se1^2 + se2^2)
  for (metric in names(share_metrics)) {
    per_wave <- lapply(designs, function(des) share_estimates(des, metric))
    for (i in seq_along(years)) for (j in seq_along(years)) if (years[i] < years[j]) {
      a <- per_wave[[j]]; b <- per_wave[[i]]
      for (cat in a$category) {
        ea <- a[a$category == cat, ]; eb <- b[b$category == cat, ]
        add(survey = survey_name, kind = "change", metric = metric, dimension = share_metrics[[metric]],
            category = cat, year = years[j], other = as.character(years[i]), estimate = ea$estimate - eb$estimate,
            se = sqrt(ea$se^2 + eb$se^2), n = ea$n, n_other = eb$n)
      }
    }
  }

  # contrasts of the shares within a wave, per code: each category of gender and region against everyone in the
  # question's domain (ratio contrast of svytotals, delta method) and against the breakdown's first category
  # (svyby(..., covmat = TRUE) + svycontrast, checked against the ratio contrast)
  for (metric in names(share_metrics)) {
    dim_q <- share_metrics[[metric]]
    for (k in seq_along(years)) {
      des <- designs[[k]]; v <- des$variables
      for (code in label_codes$code[label_codes$dimension == dim_q]) {
        a <- share_answer(v, metric, code)
        for (dim in c("gender", "region")) {
          g <- v[[dim]]
          des2 <- update(des, y_share = a$y, in_domain = a$dom)
          b <- svyby(~y_share, as.formula(paste0("~", dim)), subset(des2, in_domain), svymean, covmat = TRUE)
          cats <- as.character(b[[dim]])
          ratio <- function(cat, ref) {
            in_ref <- if (ref == "all") rep(1, nrow(v)) else as.numeric(g == ref)
            d3 <- update(des, yc = a$y * a$dom * (g == cat), dc = a$dom * (g == cat),
                         yr = a$y * a$dom * in_ref, dr = a$dom * in_ref)
            svycontrast(svytotal(~yc + dc + yr + dr, d3), quote(yc / dc - yr / dr))
          }
          ref <- cats[1]
          for (cat in cats) {
            r <- ratio(cat, "all")
            add(survey = survey_name, kind = "contrast", metric = metric, dimension = dim, category = cat,
                year = years[k], other = "all", estimate = coef(r)[[1]], se = SE(r)[[1]],
                n = sum(a$dom & g == cat), n_other = sum(a$dom), answer = code)
            if (cat == ref) next
            w <- setNames(rep(0, length(cats)), cats); w[cat] <- 1; w[ref] <- -1
            s <- svycontrast(b, w)
            check <- ratio(cat, ref)
            stopifnot(abs(coef(s)[[1]] - coef(check)[[1]]) < 1e-12,
                      abs(SE(s)[[1]] - SE(check)[[1]]) <= 1e-9 * SE(s)[[1]] + 1e-6)
            add(survey = survey_name, kind = "contrast", metric = metric, dimension = dim, category = cat,
                year = years[k], other = ref, estimate = coef(s)[[1]], se = SE(s)[[1]],
                n = sum(a$dom & g == cat), n_other = sum(a$dom & g == ref), answer = code)
          }
        }
      }
    }
  }

  for (metric in c("participation_rate", "hours_per_month")) {
    for (dim in c("total", "gender", "age_group", "region")) {
      per_wave <- lapply(designs, function(des) domain_estimates(des, metric, dim))
      # changes between every pair of waves (independent samples)
      for (i in seq_along(years)) for (j in seq_along(years)) if (years[i] < years[j]) {
        a <- per_wave[[j]]$est; b <- per_wave[[i]]$est
        for (cat in intersect(a$category, b$category)) {
          ea <- a[a$category == cat, ]; eb <- b[b$category == cat, ]
          add(survey = survey_name, kind = "change", metric = metric, dimension = dim, category = cat,
              year = years[j], other = as.character(years[i]), estimate = ea$estimate - eb$estimate,
              se = sqrt(ea$se^2 + eb$se^2), n = ea$n, n_other = eb$n)
        }
      }
      if (dim == "total") next
      # contrasts within each wave
      for (k in seq_along(years)) {
        des <- designs[[k]]; est <- per_wave[[k]]$est; b <- per_wave[[k]]$by
        for (cat in est$category) {
          ec <- est[est$category == cat, ]
          r <- ratio_contrast(des, metric, dim, cat, "all")
          n_all <- if (metric == "participation_rate") nrow(des$variables) else
            sum(des$variables$volunteered == 1 & !is.na(des$variables$hours_per_month))
          add(survey = survey_name, kind = "contrast", metric = metric, dimension = dim, category = cat,
              year = years[k], other = "all", estimate = coef(r)[[1]], se = SE(r)[[1]], n = ec$n, n_other = n_all)
          for (ref in setdiff(est$category, cat)) {
            w <- setNames(rep(0, nrow(est)), est$category); w[cat] <- 1; w[ref] <- -1
            s <- svycontrast(b, w)
            check <- ratio_contrast(des, metric, dim, cat, ref)
            stopifnot(abs(coef(s)[[1]] - coef(check)[[1]]) < 1e-12,
                      abs(SE(s)[[1]] - SE(check)[[1]]) <= 1e-9 * SE(s)[[1]] + 1e-6)
            add(survey = survey_name, kind = "contrast", metric = metric, dimension = dim, category = cat,
                year = years[k], other = ref, estimate = coef(s)[[1]], se = SE(s)[[1]], n = ec$n,
                n_other = est$n[est$category == ref])
          }
        }
      }
    }
  }
}

out <- do.call(rbind, rows)
out$estimate <- trimws(formatC(out$estimate, digits = 15, format = "g"))
out$se <- trimws(formatC(out$se, digits = 15, format = "g"))
write.csv(out, output, row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %d rows to %s (R %s, survey %s)\n", nrow(out), output,
            getRversion(), as.character(packageVersion("survey"))))
