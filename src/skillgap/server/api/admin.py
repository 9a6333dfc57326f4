"""Who am I (anyone signed in), and user and API token management (administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from skillgap.domain.users import UserRole
from skillgap.reports.users import token_data, user_data
from skillgap.server.api.models import (
    Deactivated,
    Me,
    NewTokenIn,
    NewTokenOut,
    NewUser,
    Page,
    PasswordChange,
    RoleChange,
    TokenOut,
    UserOut,
    page,
)
from skillgap.server.api.params import Limit, Offset
from skillgap.server.auth import Principal, allow, principal
from skillgap.server.context import AppContext, context
from skillgap.services import tokens
from skillgap.services import users as service

router = APIRouter()
Ctx = Annotated[AppContext, Depends(context)]
Admin = Annotated[Principal, Depends(allow(UserRole.ADMIN))]


@router.get("/me", response_model=Me, tags=["auth"])
async def me(who: Annotated[Principal, Depends(principal)]) -> dict[str, Any]:
    """The caller: role, the person they are, and (for a session) the CSRF token to send
    with every state-changing request."""
    return {
        "user_id": who.user_id,
        "name": who.name,
        "role": who.role,
        "person_id": who.person_id,
        "via": who.via,
        "csrf_token": who.csrf_token,
    }


@router.get("/users", response_model=Page[UserOut], tags=["users"])
def list_users(ctx: Ctx, who: Admin, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Every user account (never a password hash), a page at a time."""
    return page([user_data(u) for u in service.list_users(ctx.store)], limit, offset)


@router.post("/users", response_model=UserOut, status_code=201, tags=["users"])
def add_user(body: NewUser, ctx: Ctx, who: Admin) -> dict[str, Any]:
    """A new account; managers and employees name the person they are."""
    user = service.add_user(
        ctx.store,
        ctx.clock,
        body.email,
        role=body.role,
        password=body.password,
        name=body.name,
        person_id=body.person_id,
    )
    return user_data(user)


@router.post("/users/{email}/role", response_model=UserOut, tags=["users"])
def set_role(email: str, body: RoleChange, ctx: Ctx, who: Admin) -> dict[str, Any]:
    """Change a user's role (their sessions end: they log in again)."""
    return user_data(service.set_role(ctx.store, email, body.role, person_id=body.person_id))


@router.post("/users/{email}/deactivate", response_model=Deactivated, tags=["users"])
def deactivate(email: str, ctx: Ctx, who: Admin) -> dict[str, Any]:
    """Deactivate an account and end its sessions."""
    user, ended = service.deactivate_user(ctx.store, email)
    return {"user": user_data(user), "sessions_ended": ended}


@router.post("/users/{email}/password", response_model=UserOut, tags=["users"])
def set_password(email: str, body: PasswordChange, ctx: Ctx, who: Admin) -> dict[str, Any]:
    """Set a user's password (at least 12 characters); their sessions end."""
    return user_data(service.set_password(ctx.store, email, body.password))


@router.get("/tokens", response_model=Page[TokenOut], tags=["tokens"])
def list_tokens(ctx: Ctx, who: Admin, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Every API token, revoked ones too (never a secret), a page at a time."""
    return page([token_data(t) for t in tokens.list_tokens(ctx.store)], limit, offset)


@router.post("/tokens", response_model=NewTokenOut, status_code=201, tags=["tokens"])
def create_token(body: NewTokenIn, ctx: Ctx, who: Admin) -> dict[str, Any]:
    """A token for an integration, scoped to a role (and a person, for a manager's or an
    employee's view). The secret is in this answer only."""
    made = tokens.create_token(
        ctx.store,
        ctx.clock,
        body.name,
        role=body.role,
        created_by=who.user_id,
        person_id=body.person_id,
    )
    return {"token": token_data(made.token), "secret": made.secret}


@router.delete("/tokens/{token_id}", response_model=TokenOut, tags=["tokens"])
def revoke_token(token_id: str, ctx: Ctx, who: Admin) -> dict[str, Any]:
    """Revoke a token: it is refused from now on."""
    return token_data(tokens.revoke_token(ctx.store, ctx.clock, token_id))
