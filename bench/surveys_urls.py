"""Every URL of a tenant host, plus /bench/insert/: the reference of bench/surveys.py.

The reference is the least a DRF endpoint that stores a form post can do behind the same
middleware (tenant by host, search_path, security headers, sessions, locale): parse the body,
insert one row into a table of the benchmark's own (bench_insert, created by bench/surveys.py
in the bench tenant's schema, with a unique key as surveys_surveyresponse has), answer 201.
"""

from django.db import connection
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.access import public_view
from config.urls_tenants import handler404  # noqa: F401  (the tenant URLconf's, kept)
from config.urls_tenants import urlpatterns as tenant_urlpatterns

INSERT_PATH = "/bench/insert/"
INSERT_TABLE_SQL = """
    CREATE TABLE IF NOT EXISTS bench_insert (
        id bigserial PRIMARY KEY,
        key text NOT NULL UNIQUE,
        score smallint NOT NULL,
        comment text NOT NULL,
        created_at timestamptz NOT NULL
    )"""


class BareInsert(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_insert (key, score, comment, created_at) "
                "VALUES (%s, %s, %s, statement_timestamp()) RETURNING id",
                [request.data["key"], int(request.data["score"]), request.data.get("comment", "")],
            )
            (row_id,) = cur.fetchone()
        return Response({"id": row_id}, status=201)


urlpatterns = [path(INSERT_PATH.lstrip("/"), public_view(BareInsert.as_view())), *tenant_urlpatterns]
