"""Public checks for load balancers and orchestrators: liveness, and readiness to verify tokens."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..jwt_auth import TokenVerifier

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/ready", response_model=dict[str, str])
async def ready(request: Request) -> JSONResponse:
    """The API can verify tokens: 503 until the keys are loaded and while the revocation list is
    not fresh enough to check them (route traffic here only then)."""
    verifier: TokenVerifier = request.app.state.token_verifier
    if not await verifier.ready():
        return JSONResponse({"status": "no verification keys yet"}, status_code=503)
    if not await verifier.revocations_usable():
        return JSONResponse({"status": "no fresh revocation list"}, status_code=503)
    return JSONResponse({"status": "ready"})
