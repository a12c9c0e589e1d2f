# One image for every eventline service (scheduler, API, one-off commands).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY ingest ./ingest
COPY timeline ./timeline
COPY seeds ./seeds
RUN pip install --no-cache-dir ".[nlp]" && useradd --create-home eventline
USER eventline
ENTRYPOINT ["eventline"]
CMD ["--help"]
