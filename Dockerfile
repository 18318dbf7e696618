# The portal's image: the web app (gunicorn) by default; the same image runs the worker with
# `python manage.py run_worker`. Settings come from the environment (see README.md).
# Build stage: the GOV.UK Frontend stylesheet needs Node.js; the runtime image does not.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-static scripts/
COPY static static
RUN bash scripts/build-static

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --create-home --uid 10001 portal
# WeasyPrint (the manual's PDFs, built by the worker) needs Pango, HarfBuzz and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
# Install the dependencies first (cached while pyproject.toml is unchanged).
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/static/build static/build
# collectstatic needs some SECRET_KEY to import the settings; this one is used for nothing else.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input -v 0 -i scss
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
